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
    init(client: PostgresClient, wait: Duration, answerLimit: Duration = .seconds(60), runner: Task<Void, Never>?, logger: Logger) {
        pool = PostgresPool(client: client, wait: wait, answerLimit: answerLimit, logger: logger)
        self.runner = runner
        self.logger = logger
    }

    public func write<T: Sendable>(_ body: (any SQLSession) async throws -> T) async throws -> T {
        let logger = self.logger
        let limit = pool.answerLimit
        return try await pool.withTransaction(logger: logger) { connection in
            try await body(PostgresSession(connection: connection, logger: logger, answerLimit: limit))
        }
    }

    public func read<T: Sendable>(_ body: (any SQLSession) async throws -> T) async throws -> T {
        let logger = self.logger
        let limit = pool.answerLimit
        return try await pool.withConnection { connection in
            try await body(PostgresSession(connection: connection, logger: logger, answerLimit: limit))
        }
    }

    /// Advisory locks are the whole database's: the key names the store's schema too, or stores in two
    /// schemas of one database (two deployments, or every test) would take each other's turns.
    public func takeTurns(on key: String) -> SQLQuery? {
        "SELECT pg_advisory_xact_lock(hashtext(coalesce(current_schema(), '') || ':' || \(key)))"
    }
    public var skipLockedRows: String { " FOR UPDATE SKIP LOCKED" }
    public func reclaimLog() async {}

    public func migrateAuditTrail() async throws {
        try await Self.auditMigrator.migrate(pool.client, logger: logger)
    }

    public func close() async throws { runner?.cancel() }
}

/// Statements on one leased connection.
struct PostgresSession: SQLSession {
    let connection: PostgresConnection
    let logger: Logger
    /// See `PostgresPool.answerLimit`.
    let answerLimit: Duration

    func rows(_ query: SQLQuery) async throws -> [any SQLRow] {
        let statement = try Self.render(query)
        return try await connection.answered(within: answerLimit, logger: logger) {
            try await connection.query(statement, logger: logger).collect().map(PostgresSQLRow.init)
        }
    }

    func execute(_ query: SQLQuery) async throws {
        let statement = try Self.render(query)
        try await connection.answered(within: answerLimit, logger: logger) { try await connection.query(statement, logger: logger) }
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

/// A row as PostgreSQL sent it, decoded by the column's own type. Its cells are taken apart once:
/// PostgresNIO's random-access row builds a cell (name, type, bytes) on every read, whose reference
/// counting was most of the time spent reading a long page of rows.
struct PostgresSQLRow: SQLRow {
    private let cells: [Cell]

    private struct Cell {
        var bytes: ByteBuffer?
        var type: PostgresDataType
        var format: PostgresFormat
    }

    init(_ row: PostgresRow) {
        cells = row.map { Cell(bytes: $0.bytes, type: $0.dataType, format: $0.format) }
    }

    private func decode<T: PostgresDecodable>(_: T.Type, _ column: Int) throws -> T {
        guard cells.indices.contains(column) else { throw SQLColumnError(column: column, expected: "a column of this row") }
        let cell = cells[column]
        guard var bytes = cell.bytes else { throw SQLColumnError(column: column, expected: "a value (it is NULL)") }
        return try T(from: &bytes, type: cell.type, format: cell.format, context: .default)
    }

    func isNull(_ column: Int) -> Bool { !cells.indices.contains(column) || cells[column].bytes == nil }
    func text(_ column: Int) throws -> String { try decode(String.self, column) }
    func integer(_ column: Int) throws -> Int64 { try decode(Int64.self, column) }
    func real(_ column: Int) throws -> Double { try decode(Double.self, column) }
    func blob(_ column: Int) throws -> Data { try decode(Data.self, column) }
    func date(_ column: Int) throws -> Date { try decode(Date.self, column) }
    func bool(_ column: Int) throws -> Bool { try decode(Bool.self, column) }
}
