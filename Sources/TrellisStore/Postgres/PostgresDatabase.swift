import Foundation
public import Logging
public import PostgresNIO

/// PostgreSQL under the one store, shared safely by several Trellis processes: writers that must
/// find-or-create by a key take turns on it with a transaction-scoped advisory lock, and workers
/// claiming outbox rows skip the rows another is claiming.
public final class PostgresDatabase: StoreDatabase {
    /// The pool, with a bound on the wait for a connection.
    let pool: PostgresPool
    let logger: Logger
    private let runner: Task<Void, Never>?

    /// `runner`, when given, runs the client and is cancelled on `close()`.
    init(client: PostgresClient, wait: Duration, runner: Task<Void, Never>?, logger: Logger) {
        pool = PostgresPool(client: client, wait: wait)
        self.runner = runner
        self.logger = logger
    }

    public func write<T: Sendable>(_ body: (any SQLSession) async throws -> T) async throws -> T {
        let logger = self.logger
        return try await pool.withTransaction(logger: logger) { connection in try await body(PostgresSession(connection: connection, logger: logger)) }
    }

    public func read<T: Sendable>(_ body: (any SQLSession) async throws -> T) async throws -> T {
        let logger = self.logger
        return try await pool.withConnection { connection in try await body(PostgresSession(connection: connection, logger: logger)) }
    }

    public func takeTurns(on key: String) -> SQLQuery? { "SELECT pg_advisory_xact_lock(hashtext(\(key)))" }
    public var skipLockedRows: String { " FOR UPDATE SKIP LOCKED" }

    public func migrateAuditTrail() async throws {
        try await Self.auditMigrator.migrate(pool.client, logger: logger)
    }

    public func close() async throws { runner?.cancel() }
}

/// Statements on one leased connection.
struct PostgresSession: SQLSession {
    let connection: PostgresConnection
    let logger: Logger

    func rows(_ query: SQLQuery) async throws -> [any SQLRow] {
        try await connection.query(try Self.render(query), logger: logger).collect().map { PostgresSQLRow(row: $0.makeRandomAccess()) }
    }

    func execute(_ query: SQLQuery) async throws {
        try await connection.query(try Self.render(query), logger: logger)
    }

    static func render(_ query: SQLQuery) throws -> PostgresQuery {
        let (sql, values) = query.render { "$\($0)" }
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            // Typed even when null, so PostgreSQL knows each parameter's type.
            switch value {
            case .text(let text): binds.append(text)
            case .integer(let number): binds.append(number)
            case .real(let number): binds.append(number)
            case .blob(let data): try binds.append(data)
            case .date(let date): binds.append(date)
            case .bool(let flag): binds.append(flag)
            }
        }
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }
}

/// A row as PostgreSQL sent it, decoded by the column's own type.
struct PostgresSQLRow: SQLRow {
    let row: PostgresRandomAccessRow

    func isNull(_ column: Int) -> Bool { row[column].bytes == nil }
    func text(_ column: Int) throws -> String { try row[column].decode(String.self) }
    func integer(_ column: Int) throws -> Int64 { try row[column].decode(Int64.self) }
    func real(_ column: Int) throws -> Double { try row[column].decode(Double.self) }
    func blob(_ column: Int) throws -> Data { try row[column].decode(Data.self) }
    func date(_ column: Int) throws -> Date { try row[column].decode(Date.self) }
    func bool(_ column: Int) throws -> Bool { try row[column].decode(Bool.self) }
}
