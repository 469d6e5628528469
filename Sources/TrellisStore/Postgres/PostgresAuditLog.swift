public import Crypto
import Foundation
import Logging
public import PostgresNIO
import TrellisCore

/// The audit trail in PostgreSQL: append-only (triggers refuse UPDATE and DELETE), hash-chained,
/// with signed checkpoints in a file outside the database. Several Trellis processes may append:
/// a transaction-scoped advisory lock keeps one chain.
public final class PostgresAuditLog: Sendable {
    private let client: PostgresPool
    private let book: AuditCheckpointBook?
    private let logger: Logger

    /// `client` must be running (`client.run()`), owned by the caller.
    public init(client: PostgresPool, checkpoints book: AuditCheckpointBook?, logger: Logger) async throws {
        self.client = client
        self.book = book
        self.logger = logger
        try await migrate()
    }

    private func migrate() async throws {
        try await Self.migrator.migrate(client.client, logger: logger)
    }

    static var migrator: PostgresMigrator {
        var migrator = PostgresMigrator()
        migrator.register("audit-1: append-only, hash-chained audit events", [
            """
            CREATE TABLE audit_event (
                sequence bigint PRIMARY KEY,
                at text NOT NULL,
                actor text NOT NULL,
                action text NOT NULL,
                entity text NOT NULL,
                entity_id text NOT NULL,
                outcome text NOT NULL,
                purpose text,
                source_address text,
                detail text,
                hash bytea NOT NULL)
            """,
            """
            CREATE FUNCTION trellis_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'audit records are append-only'; END $$
            """,
            "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event FOR EACH ROW EXECUTE FUNCTION trellis_audit_append_only()",
            "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event FOR EACH ROW EXECUTE FUNCTION trellis_audit_append_only()",
            "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event FOR EACH STATEMENT EXECUTE FUNCTION trellis_audit_append_only()",
        ])
        return migrator
    }

    @discardableResult
    public func append(_ entry: AuditEntry) async throws -> SealedAuditRecord {
        let logger = self.logger
        let sealed = try await client.withTransaction(logger: logger) { connection in
            try await Self.append([entry], on: connection, logger: logger)
        }
        try book?.signIfDue(sealed[0])
        return sealed[0]
    }

    @discardableResult
    public func append(contentsOf entries: [AuditEntry]) async throws -> [SealedAuditRecord] {
        guard !entries.isEmpty else { return [] }
        let logger = self.logger
        let sealed = try await client.withTransaction(logger: logger) { connection in
            try await Self.append(entries, on: connection, logger: logger)
        }
        for record in sealed { try book?.signIfDue(record) }
        return sealed
    }

    /// Appends inside the caller's transaction, so a change and its audit records commit together.
    /// Appenders in every process take turns at the head of the chain (a transaction-scoped lock), so
    /// callers append last, just before COMMIT, to hold the lock briefly.
    static func append(_ entries: [AuditEntry], on connection: PostgresConnection, logger: Logger) async throws -> [SealedAuditRecord] {
        guard !entries.isEmpty else { return [] }
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext('trellis_audit_event'))", logger: logger)
        let rows = try await connection.query("SELECT sequence, hash FROM audit_event ORDER BY sequence DESC LIMIT 1", logger: logger)
        var head: (sequence: Int64, hash: Data) = (0, AuditChain.genesis)
        for try await row in rows.decode((Int64, Data).self) { head = row }
        var sealed: [SealedAuditRecord] = []
        // A statement takes at most 65,535 parameters: 11 a record, so 1,000 records a statement.
        for start in stride(from: 0, to: entries.count, by: 1_000) {
            let batch = try await insert(entries[start..<min(start + 1_000, entries.count)], after: head, on: connection, logger: logger)
            sealed += batch
            head = (batch[batch.count - 1].event.sequence, batch[batch.count - 1].hash)
        }
        return sealed
    }

    private static func insert(_ entries: ArraySlice<AuditEntry>, after chainHead: (sequence: Int64, hash: Data),
                               on connection: PostgresConnection, logger: Logger) async throws -> [SealedAuditRecord] {
        var head = chainHead
        var sealed: [SealedAuditRecord] = []
        var bindings = PostgresBindings()
        var tuples: [String] = []
        for entry in entries {
            let record = AuditChain.seal(entry.event(sequence: head.sequence + 1), after: head.hash)
            head = (record.event.sequence, record.hash)
            sealed.append(record)
            let e = record.event
            let first = bindings.count
            bindings.append(e.sequence)
            bindings.append(AuditCanonicalForm.timestamp(e.at))
            bindings.append(e.actor)
            bindings.append(e.action.rawValue)
            bindings.append(e.entity)
            bindings.append(e.entityID)
            bindings.append(e.outcome.rawValue)
            bindings.append(e.purpose)
            bindings.append(e.sourceAddress)
            bindings.append(e.detail)
            try bindings.append(record.hash)
            tuples.append("(" + (first + 1...first + 11).map { "$\($0)" }.joined(separator: ", ") + ")")
        }
        let insert = """
            INSERT INTO audit_event (sequence, at, actor, action, entity, entity_id, outcome, purpose, source_address, detail, hash)
            VALUES \(tuples.joined(separator: ", "))
            """
        try await connection.query(PostgresQuery(unsafeSQL: insert, binds: bindings), logger: logger)
        return sealed
    }

    /// Signs the checkpoints that came due in a committed transaction.
    func committed(_ records: [SealedAuditRecord]) throws {
        for record in records { try book?.signIfDue(record) }
    }

    public func checkpoint() async throws {
        guard let book, let head = try await head() else { return }
        try book.signHead(head)
    }

    public func head() async throws -> SealedAuditRecord? {
        let rows = try await client.query("\(unescaped: Self.columns) FROM audit_event ORDER BY sequence DESC LIMIT 1", logger: logger)
        for row in rows { return try Self.record(row.decode(Self.RowType.self)) }
        return nil
    }

    public func verify(pinnedKey: Curve25519.Signing.PublicKey?) async throws -> AuditChain.Verdict {
        var verifier = try book?.verifier(pinnedKey: pinnedKey) ?? AuditChain.Verifier(checkpoints: [], publicKey: pinnedKey)
        // Streamed, not collected: the whole trail may not fit in memory. A command, so no bound on the wait.
        let rows = try await client.client.query("\(unescaped: Self.columns) FROM audit_event ORDER BY sequence", logger: logger)
        for try await row in rows.decode(Self.RowType.self) {
            let record: SealedAuditRecord
            do { record = try Self.record(row) } catch let unreadable as UnreadableAuditRecord { return unreadable.verdict }
            if let broken = verifier.check(record) { return broken }
        }
        return verifier.finish()
    }

    public func records(after sequence: Int64, limit: Int) async throws -> [SealedAuditRecord] {
        let rows = try await client.query("\(unescaped: Self.columns) FROM audit_event WHERE sequence > \(sequence) ORDER BY sequence LIMIT \(limit)", logger: logger)
        var records: [SealedAuditRecord] = []
        for row in rows { records.append(try Self.record(row.decode(Self.RowType.self))) }
        return records
    }

    private static let columns = "SELECT sequence, at, actor, action, entity, entity_id, outcome, purpose, source_address, detail, hash"
    private typealias RowType = (Int64, String, String, String, String, String, String, String?, String?, String?, Data)

    private static func record(_ r: RowType) throws -> SealedAuditRecord {
        try .stored(sequence: r.0, at: r.1, actor: r.2, action: r.3, entity: r.4, entityID: r.5, outcome: r.6,
                    purpose: r.7, sourceAddress: r.8, detail: r.9, hash: r.10)
    }
}

extension PostgresAuditLog: AuditLog {}
