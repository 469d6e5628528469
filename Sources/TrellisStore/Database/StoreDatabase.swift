/// What a backend gives the one store: statements run in a write transaction or on their own, in its
/// own SQL dialect. Everything else (the workflow, its checks, rows, history, outbox and audit
/// entries) is written once, in `SQLStore`, over this.
///
/// Concurrency, the same on both backends: a write transaction reads, decides, then writes
/// conditionally on what it read (`WHERE version = ?`, `WHERE revoked_at IS NULL`, `WHERE lease_owner
/// = ?`); a conditional write that changes no row means another transaction got there first, and
/// the change is refused as a conflict. Where a transaction must find-or-create by a natural key (a
/// retried creation's key, a person's reference, the head of the audit chain) it first takes turns
/// on that key (`takeTurns`), so the second one finds what the first made.
public protocol StoreDatabase: Sendable {
    /// Runs `body` in one write transaction: committed when it returns, rolled back when it throws.
    func write<T: Sendable>(_ body: (any SQLSession) async throws -> T) async throws -> T
    /// Runs `body` outside a write transaction; each statement reads what is committed when it runs.
    func read<T: Sendable>(_ body: (any SQLSession) async throws -> T) async throws -> T
    /// A statement after which other writers asking for the same key wait until this transaction
    /// ends; nil where one write transaction already excludes every other writer (SQLite).
    func takeTurns(on key: String) -> SQLQuery?
    /// Appended to a `SELECT … FOR UPDATE`-able subquery whose rows a writer claims, so that writers in
    /// other processes claim other rows instead of waiting ("" where writers never overlap).
    var skipLockedRows: String { get }
    /// After a bulk write (a large directory import): gives back the space its log took. SQLite copies
    /// its write-ahead log into the database and truncates it (a million services left a 5 GB log that
    /// every later read searched); best effort, as readers may hold it. Nothing on PostgreSQL.
    func reclaimLog() async
    /// Creates or upgrades the audit trail's table.
    func migrateAuditTrail() async throws
    /// Releases connections.
    func close() async throws
}

/// Statements within one `write` or `read`.
public protocol SQLSession {
    /// The rows a statement returns (a write with `RETURNING` included).
    func rows(_ query: SQLQuery) async throws -> [any SQLRow]
    func execute(_ query: SQLQuery) async throws
}

extension SQLSession {
    public func firstRow(_ query: SQLQuery) async throws -> (any SQLRow)? { try await rows(query).first }

    /// The first column of the first row, when there is a row.
    public func value<T: SQLColumnDecodable>(_ query: SQLQuery, as type: T.Type = T.self) async throws -> T? {
        guard let row = try await firstRow(query) else { return nil }
        return try T.decode(row, 0)
    }

    /// The first column of every row.
    public func values<T: SQLColumnDecodable>(_ query: SQLQuery, as type: T.Type = T.self) async throws -> [T] {
        try await rows(query).map { try T.decode($0, 0) }
    }

    /// Whether a conditional write (`… RETURNING 1`) changed a row.
    public func changed(_ query: SQLQuery) async throws -> Bool { try await !rows(query).isEmpty }
}
