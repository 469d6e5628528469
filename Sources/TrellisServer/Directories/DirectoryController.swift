import Foundation
public import Hummingbird
import HummingbirdCore
import TrellisCore
import TrellisDirectory
public import TrellisStore

/// `POST /v1/directories` (administrators): an AIRS XML or HSDS JSON file as the body, streamed to
/// disk within the size limit, read record by record (one bad record never sinks the file), stored,
/// and swapped into matching and search without a restart. Answers with the import report.
/// `source` names the source (default: each record's provider id); `replace_source=true` withdraws the
/// source's services the file no longer holds, refused (422 `mass_withdrawal`) above
/// `max_withdrawal_share` (0.2) unless `allow_mass_withdrawal=true`.
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
            try request.uri.rejectUnknownParameters(["name", "source", "replace_source", "max_withdrawal_share", "allow_mass_withdrawal"])
            let replacement = try Self.replacement(request.uri)
            let outcome = try await importUpload(request.body, name: request.uri.text("name"), source: try request.uri.nonBlankText("source"),
                                                 replacement: replacement,
                                                 declaredLength: request.headers[.contentLength].flatMap { Int($0) }, user: user, context: context)
            return try JSONResponse.encode(outcome.imported ? .ok : .unprocessableContent, outcome.report)
        }
    }

    /// Spools `body`, reads it, stores what it holds and reloads matching.
    func importUpload<Body: AsyncSequence & Sendable>(_ body: Body, name: String?, source: String?, replacement: DirectoryReplacement,
                                                      declaredLength: Int?, user: UserAccount,
                                                      context: TrellisRequestContext) async throws -> (report: ReadingReport, imported: Bool)
    where Body.Element == ByteBuffer {
        if let declaredLength, declaredLength > uploads.limitBytes {
            throw APIError(.contentTooLarge, code: "too_large", "the upload is larger than the limit of \(uploads.limitBytes) bytes")
        }
        let path = uploads.spoolPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await FileIO().writeFile(contents: SizeLimitedBody(base: body, limit: uploads.limitBytes), path: path, context: context)
        return try await importSpooled(path: path, name: name, source: source, replacement: replacement, user: user, context: context)
    }

    /// Reads a spooled upload record by record, stores what it holds and swaps matching to it. Shared
    /// with the administrator's page, which spools a form's file part.
    func importSpooled(path: String, name: String?, source: String?, replacement: DirectoryReplacement, user: UserAccount,
                       context: TrellisRequestContext) async throws -> (report: ReadingReport, imported: Bool) {
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
        var kept = replacement
        kept.keeping = fileReport.rejectedServiceIDs
        let snapshot = try await store.storeDirectory(merged.sortedServices, files: [displayName], source: source, replacement: kept, context: audit)
        try await matching.reload(from: store)
        let changes = snapshot.changes ?? DirectoryChanges()
        report.stored = .init(database: "server", snapshot: snapshot.id, services: snapshot.serviceCount, source: snapshot.source,
                              replacedSource: snapshot.replacedSource, added: changes.added, updated: changes.updated,
                              unchanged: changes.unchanged, withdrawn: changes.withdrawn)
        context.logger.info("directory imported", metadata: ["directory.snapshot": "\(snapshot.id)", "directory.services": "\(snapshot.serviceCount)",
                                                             "directory.withdrawn": "\(changes.withdrawn)"])
        return (report, true)
    }

    /// `replace_source`, `max_withdrawal_share` and `allow_mass_withdrawal` from the query.
    static func replacement(_ uri: URI) throws -> DirectoryReplacement {
        var replacement = DirectoryReplacement(replaceSource: try ReferralListQuery.flag(uri, "replace_source"),
                                               allowMassWithdrawal: try ReferralListQuery.flag(uri, "allow_mass_withdrawal"))
        if let text = try uri.nonBlankText("max_withdrawal_share") {
            guard let share = Double(text), (0...1).contains(share) else {
                throw APIError.invalid("max_withdrawal_share is a share from 0 to 1, as 0.2", field: "max_withdrawal_share")
            }
            replacement.maxWithdrawalShare = share
        }
        return replacement
    }
}
