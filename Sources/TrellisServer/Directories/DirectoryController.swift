import Foundation
public import Hummingbird
import TrellisCore
import TrellisDirectory
public import TrellisStore

/// `POST /v1/directories` (administrators): an AIRS XML or HSDS JSON file as the body, streamed to
/// disk within the size limit, read record by record (one bad record never sinks the file), stored,
/// and swapped into matching and search without a restart. Answers with the import report.
public struct DirectoryController: Sendable {
    let store: any DirectoryRepository & ReferralRepository & PartnerRepository
    let matching: MatchingService
    let uploads: DirectoryUploads
    let access: AccessControl

    public init(store: any DirectoryRepository & ReferralRepository & PartnerRepository, auditLog: any AuditLog, matching: MatchingService, uploads: DirectoryUploads) {
        self.store = store
        self.matching = matching
        self.uploads = uploads
        access = AccessControl(store: store, auditLog: auditLog)
    }

    public func addRoutes(to group: RouterGroup<TrellisRequestContext>) {
        group.post("/directories") { request, context in
            let user = try await access.require(AccessControl.administrators, context, to: "import directories")
            try request.uri.rejectUnknownParameters(["name"])
            let outcome = try await importUpload(request.body, name: request.uri.text("name"),
                                                 declaredLength: request.headers[.contentLength].flatMap { Int($0) }, user: user, context: context)
            return try JSONResponse.encode(outcome.imported ? .ok : .unprocessableContent, outcome.report)
        }
    }

    /// Spools `body`, reads it, stores what it holds and reloads matching.
    func importUpload<Body: AsyncSequence & Sendable>(_ body: Body, name: String?, declaredLength: Int?, user: UserAccount,
                                                      context: TrellisRequestContext) async throws -> (report: ReadingReport, imported: Bool)
    where Body.Element == ByteBuffer {
        if let declaredLength, declaredLength > uploads.limitBytes {
            throw APIError(.contentTooLarge, code: "too_large", "the upload is larger than the limit of \(uploads.limitBytes) bytes")
        }
        let path = uploads.spoolPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await FileIO().writeFile(contents: SizeLimitedBody(base: body, limit: uploads.limitBytes), path: path, context: context)
        return try await importSpooled(path: path, name: name, user: user, context: context)
    }

    /// Reads a spooled upload record by record, stores what it holds and swaps matching to it. Shared
    /// with the administrator's page, which spools a form's file part.
    func importSpooled(path: String, name: String?, user: UserAccount, context: TrellisRequestContext) async throws -> (report: ReadingReport, imported: Bool) {
        let displayName = DirectoryUploads.displayName(name)
        let reader = uploads.reader
        // Parsing is CPU work for seconds on a large file: off the request's executor.
        let (fileReport, merged) = await Task.detached {
            var merged = DirectoryImport(keepsServices: true)
            var report = reader.read(path: path, into: &merged)
            report.path = displayName
            return (report, merged)
        }.value
        var report = ReadingReport([fileReport], merged: merged)
        guard fileReport.fatal == nil, merged.serviceCount > 0 else { return (report, false) }
        let audit = access.audit(user, context, purpose: "operations")
        let snapshot = try await store.storeDirectory(merged.sortedServices, files: [displayName], context: audit)
        try await matching.reload(from: store)
        report.stored = .init(database: "server", snapshot: snapshot.id, services: snapshot.serviceCount)
        context.logger.info("directory imported", metadata: ["directory.snapshot": "\(snapshot.id)", "directory.services": "\(snapshot.serviceCount)"])
        return (report, true)
    }
}
