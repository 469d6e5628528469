public import Crypto
import Foundation
public import GRDB
import TrellisCore

/// The audit trail in SQLite: append-only (triggers refuse UPDATE and DELETE), hash-chained, with
/// signed checkpoints in a file outside the database.
public final class SQLiteAuditLog: Sendable {
    private let database: any DatabaseWriter
    private let book: AuditCheckpointBook?

    public init(database: any DatabaseWriter, checkpoints book: AuditCheckpointBook?) throws {
        self.database = database
        self.book = book
        try Self.migrator.migrate(database)
    }

    static var migrator: DatabaseMigrator {
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

    /// Appends an entry at the end of the chain, in one transaction; signs a checkpoint when one is due.
    @discardableResult
    public func append(_ entry: AuditEntry) async throws -> SealedAuditRecord {
        let sealed = try await database.write { db in try Self.append(entry, in: db) }
        try book?.signIfDue(sealed)
        return sealed
    }

    @discardableResult
    public func append(contentsOf entries: [AuditEntry]) async throws -> [SealedAuditRecord] {
        guard !entries.isEmpty else { return [] }
        let sealed = try await database.write { db in try entries.map { try Self.append($0, in: db) } }
        try committed(sealed)
        return sealed
    }

    /// Appends inside the caller's write transaction, so a change and its audit record commit together.
    /// The caller passes the result to `sealed(_:)` after the commit.
    static func append(_ entry: AuditEntry, in db: Database) throws -> SealedAuditRecord {
        let head = try Row.fetchOne(db, sql: "SELECT sequence, hash FROM audit_event ORDER BY sequence DESC LIMIT 1")
        let sequence: Int64 = (head?["sequence"] as Int64? ?? 0) + 1
        let previous: Data = head?["hash"] ?? AuditChain.genesis
        let sealed = AuditChain.seal(entry.event(sequence: sequence), after: previous)
        let e = sealed.event
        try db.execute(sql: """
            INSERT INTO audit_event (sequence, at, actor, action, entity, entity_id, outcome, purpose, source_address, detail, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [e.sequence, AuditCanonicalForm.timestamp(e.at), e.actor, e.action.rawValue, e.entity, e.entityID,
                             e.outcome.rawValue, e.purpose, e.sourceAddress, e.detail, sealed.hash])
        return sealed
    }

    /// Signs the checkpoints that came due in a committed transaction.
    func committed(_ records: [SealedAuditRecord]) throws {
        for record in records { try book?.signIfDue(record) }
    }

    /// Signs a checkpoint for the current head (at shutdown, so a removed tail is caught).
    public func checkpoint() async throws {
        guard let book, let head = try await head() else { return }
        try book.signHead(head)
    }

    public func head() async throws -> SealedAuditRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM audit_event ORDER BY sequence DESC LIMIT 1").map(Self.record)
        }
    }

    /// Walks the whole chain in sequence order, streaming, against the signed checkpoints.
    public func verify(pinnedKey: Curve25519.Signing.PublicKey?) async throws -> AuditChain.Verdict {
        // Signatures are checked here; the verifier carries only the verdict into the read.
        let start = try book?.verifier(pinnedKey: pinnedKey) ?? AuditChain.Verifier(checkpoints: [], publicKey: pinnedKey)
        return try await database.read { db in
            var verifier = start
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM audit_event ORDER BY sequence")
            while let row = try rows.next() {
                let record: SealedAuditRecord
                do { record = try Self.record(row) } catch let unreadable as UnreadableAuditRecord { return unreadable.verdict }
                if let broken = verifier.check(record) { return broken }
            }
            return verifier.finish()
        }
    }

    public func records(after sequence: Int64, limit: Int) async throws -> [SealedAuditRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_event WHERE sequence > ? ORDER BY sequence LIMIT ?",
                             arguments: [sequence, limit]).map(Self.record)
        }
    }

    /// A stored row as a sealed record.
    static func record(_ row: Row) throws -> SealedAuditRecord {
        // SQLite keeps any type in any column: a text column holding a blob of the same bytes would read
        // back as the same string. What is stored must be what was written, type and all.
        let sequence = row["sequence"] as DatabaseValue
        guard case .int64(let number) = sequence.storage else { throw UnreadableAuditRecord(sequence: Int64(-1)) }
        for column in ["at", "actor", "action", "entity", "entity_id", "outcome", "purpose", "source_address", "detail"] {
            switch (row[column] as DatabaseValue).storage {
            case .string: continue
            case .null where ["purpose", "source_address", "detail"].contains(column): continue
            default: throw UnreadableAuditRecord(sequence: number)
            }
        }
        guard case .blob = (row["hash"] as DatabaseValue).storage else { throw UnreadableAuditRecord(sequence: number) }
        return try .stored(sequence: row["sequence"], at: row["at"], actor: row["actor"], action: row["action"], entity: row["entity"],
                    entityID: row["entity_id"], outcome: row["outcome"], purpose: row["purpose"],
                    sourceAddress: row["source_address"], detail: row["detail"], hash: row["hash"])
    }
}
