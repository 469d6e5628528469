import Foundation
public import GRDB

/// Everything Trellis keeps, in one SQLite file.
public typealias SQLiteStore = SQLStore<SQLiteDatabase>
/// The audit trail alone, in SQLite.
public typealias SQLiteAuditLog = AuditTrail<SQLiteDatabase>

extension SQLStore where Database == SQLiteDatabase {
    /// Opens (creating and migrating) the file at `path`.
    public convenience init(path: String, configuration: StoreConfiguration) throws {
        let database = try SQLiteDatabase(path: path)
        try SQLiteSchema.migrator(cipher: configuration.cipher).migrate(database.pool)
        self.init(database: database, configuration: configuration)
    }
}

extension AuditTrail where Database == SQLiteDatabase {
    /// The trail on a pool someone else opened, migrated.
    public convenience init(database pool: DatabasePool, checkpoints book: AuditCheckpointBook?) throws {
        try SQLiteDatabase.auditMigrator.migrate(pool)
        self.init(database: SQLiteDatabase(pool: pool), checkpoints: book)
    }
}

extension SQLiteDatabase {
    /// The audit trail's table: append-only (triggers refuse UPDATE and DELETE).
    static var auditMigrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("audit-1: append-only, hash-chained audit events") { db in
            try db.execute(sql: """
                CREATE TABLE audit_event (
                    sequence INTEGER PRIMARY KEY,
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    entity TEXT NOT NULL,
                    entity_id TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    purpose TEXT,
                    source_address TEXT,
                    detail TEXT,
                    hash BLOB NOT NULL);
                CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
                    BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
                CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
                    BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
                """)
        }
        return migrator
    }

    /// Whether a failure means SQLite cannot be used right now (busy, locked, out of space, unreadable).
    static func isUnavailable(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_IOERR, .SQLITE_FULL, .SQLITE_CANTOPEN].contains(error.resultCode)
    }
}
