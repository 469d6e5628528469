import Logging
import TrellisCore
import TrellisDirectory
import TrellisStore

/// With an empty database, imports the configured sample directories so the first start serves something.
enum FirstStartImport {
    static func run(_ files: [String], reader: DirectoryReader, store: any DirectoryRepository, logger: Logger) async throws {
        guard !files.isEmpty, try await store.latestSnapshot() == nil else { return }
        var merged = DirectoryImport(keepsServices: true)
        var rejected = 0
        for file in files {
            let report = reader.read(path: file, into: &merged)
            if let fatal = report.fatal { throw FirstStartImportError(message: "\(file): \(fatal)") }
            rejected += report.rejected.count
        }
        let snapshot = try await store.storeDirectory(merged.takeSortedServices(), files: files, source: nil, replacement: .addAndUpdate, context: AuditContext(actor: "system:first-start", purpose: "operations"))
        logger.info("first start: imported the sample directories", metadata: [
            "directory.snapshot": "\(snapshot.id)", "directory.services": "\(snapshot.serviceCount)", "directory.rejected": "\(rejected)"])
    }
}

/// A first-start directory that cannot be read at all.
public struct FirstStartImportError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
