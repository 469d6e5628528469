import Foundation
import GRDB
import TrellisCore

/// Everything Trellis keeps, in one SQLite file (WAL, full sync: an acknowledged referral survives a
/// crash or power cut). Each change commits with its audit records in one transaction.
public final class SQLiteStore: TrellisStore, Sendable {
    let pool: DatabasePool
    let configuration: StoreConfiguration
    let auditLog: SQLiteAuditLog
    /// Appends on their own are group-committed; appends inside a change commit with it.
    public let audit: any AuditLog

    public init(path: String, configuration: StoreConfiguration) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        var options = Configuration()
        // Other Trellis processes may hold the write lock for a moment.
        options.busyMode = .timeout(10)
        options.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        pool = try DatabasePool(path: path, configuration: options)
        self.configuration = configuration
        try SQLiteSchema.migrator(cipher: configuration.cipher).migrate(pool)
        auditLog = try SQLiteAuditLog(database: pool, checkpoints: configuration.checkpoints)
        audit = GroupCommitAuditLog(auditLog)
    }

    public func close() async throws {
        try await auditLog.checkpoint()
        try pool.close()
    }

    /// One write transaction whose audit records commit with it; due checkpoints are signed after.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (Database, inout [SealedAuditRecord]) throws -> T) async throws -> T {
        let (value, records) = try await pool.write { db -> (T, [SealedAuditRecord]) in
            var records: [SealedAuditRecord] = []
            let value = try body(db, &records)
            return (value, records)
        }
        try auditLog.committed(records)
        return value
    }
}

extension [SealedAuditRecord] {
    /// Appends an audit record inside the running transaction.
    mutating func append(_ entry: AuditEntry, in db: Database) throws {
        append(try SQLiteAuditLog.append(entry, in: db))
    }
}
