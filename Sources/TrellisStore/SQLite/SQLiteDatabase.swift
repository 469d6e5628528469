import Foundation
public import GRDB
import Synchronization

/// One SQLite file (WAL, full sync: an acknowledged change survives a crash or power cut) under the
/// one store. SQLite has one writer at a time: write transactions take turns here (`BEGIN IMMEDIATE`
/// also makes other processes on the file wait), so no write ever loses a race; reads run beside
/// them on the pool's reader connections.
public final class SQLiteDatabase: StoreDatabase {
    let pool: DatabasePool
    private let turns = WriterTurns()

    /// Opens (creating) the file.
    public convenience init(path: String) throws {
        self.init(pool: try Self.openPool(path: path))
    }

    /// The pool a store needs: WAL, full sync, a busy timeout, and transactions that span accesses.
    public static func openPool(path: String) throws -> DatabasePool {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        var options = Configuration()
        // Other Trellis processes may hold the write lock for a moment.
        options.busyMode = .timeout(10)
        // A transaction spans several accesses to the writer connection (its statements are awaited one by
        // one); `WriterTurns` keeps every other access out until it ends.
        options.allowsUnsafeTransactions = true
        options.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let pool = try DatabasePool(path: path, configuration: options)
        // GRDB turns WAL on for the writer after `prepareDatabase` and sets `synchronous = NORMAL` with it,
        // under which a commit is not synced to disk: a power cut could lose acknowledged changes and audit
        // records. Full sync again, on the one connection that writes, so every commit is durable.
        try pool.barrierWriteWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return pool
    }

    /// SQLite's `synchronous` setting on the connection that writes (2: FULL).
    public func writerSynchronousLevel() throws -> Int {
        try pool.barrierWriteWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// A database on a pool from `openPool(path:)` (tests looking behind the store share it).
    public init(pool: DatabasePool) { self.pool = pool }

    public func write<T: Sendable>(_ body: (any SQLSession) async throws -> T) async throws -> T {
        await turns.take()
        defer { turns.pass() }
        try await finish("BEGIN IMMEDIATE")
        do {
            let value = try await body(SQLiteSession(pool: pool, writing: true))
            try await finish("COMMIT")
            return value
        } catch {
            try? await finish("ROLLBACK")
            throw error
        }
    }

    public func read<T: Sendable>(_ body: (any SQLSession) async throws -> T) async throws -> T {
        try await body(SQLiteSession(pool: pool, writing: false))
    }

    public func takeTurns(on key: String) -> SQLQuery? { nil }

    public func reclaimLog() async {
        await turns.take()
        defer { turns.pass() }
        let pool = self.pool
        // Readers holding the log make the checkpoint give up (busy): the log is then left for SQLite's own checkpoints.
        _ = try? await Task { try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) } }.value
    }
    public var skipLockedRows: String { "" }

    public func migrateAuditTrail() async throws {
        try Self.auditMigrator.migrate(pool)
    }

    public func close() async throws { try pool.close() }

    /// Begins or ends a transaction whatever becomes of the caller: a cancelled request must not leave
    /// the writer inside its transaction.
    private func finish(_ sql: String) async throws {
        let pool = self.pool
        try await Task { try await pool.writeWithoutTransaction { db in try db.execute(sql: sql) } }.value
    }
}

/// Statements on the writer connection (inside a write) or on a reader. Each statement runs with
/// GRDB's synchronous access: a statement takes microseconds, and running it where the task already is
/// spares two thread hand-offs per statement, which under load (every cooperative thread busy) made each
/// transaction wait for a thread between its statements. Only BEGIN and COMMIT, which may wait for
/// another process's lock or for the disk, are awaited off the task's thread (`SQLiteDatabase.finish`).
struct SQLiteSession: SQLSession {
    let pool: DatabasePool
    let writing: Bool

    func rows(_ query: SQLQuery) async throws -> [any SQLRow] {
        let (sql, arguments, cached) = Self.render(query)
        let fetch = { (db: Database) throws -> [SQLiteRow] in
            let statement = cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
            var rows: [SQLiteRow] = []
            let cursor = try Row.fetchCursor(statement, arguments: arguments)
            while let row = try cursor.next() { rows.append(SQLiteRow(values: Array(row.databaseValues))) }
            return rows
        }
        return writing ? try Self.onWriter(pool, fetch) : try Self.onReader(pool, fetch)
    }

    // Outside an async context, so GRDB's synchronous accesses are the ones called.
    private static func onWriter<T>(_ pool: DatabasePool, _ body: (Database) throws -> T) throws -> T { try pool.writeWithoutTransaction(body) }
    private static func onReader<T>(_ pool: DatabasePool, _ body: (Database) throws -> T) throws -> T { try pool.read(body) }

    func execute(_ query: SQLQuery) async throws {
        let (sql, arguments, cached) = Self.render(query)
        precondition(writing, "a write outside a write transaction")
        try Self.onWriter(pool) { db in
            let statement = cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
            try statement.execute(arguments: arguments)
        }
    }

    static func render(_ query: SQLQuery) -> (String, StatementArguments, Bool) {
        let (sql, values) = query.render { _ in "?" }
        return (sql, StatementArguments(values.map(databaseValue)), !query.isVariable)
    }

    /// Dates in GRDB's own text form, as every existing row holds them.
    static func databaseValue(_ value: SQLValue) -> DatabaseValue {
        switch value {
        case .text(let text): text?.databaseValue ?? .null
        case .integer(let number): number?.databaseValue ?? .null
        case .real(let number): number?.databaseValue ?? .null
        case .blob(let data): data?.databaseValue ?? .null
        case .date(let date): date?.databaseValue ?? .null
        case .bool(let flag): flag?.databaseValue ?? .null
        }
    }
}

/// A row's values as SQLite stored them. Read strictly: text is only text and a blob only a blob
/// (SQLite keeps any type in any column, and a changed type is a changed row).
struct SQLiteRow: SQLRow {
    let values: [DatabaseValue]

    func isNull(_ column: Int) -> Bool { values[column].isNull }

    func text(_ column: Int) throws -> String {
        guard case .string(let text) = values[column].storage else { throw SQLColumnError(column: column, expected: "text") }
        return text
    }

    func integer(_ column: Int) throws -> Int64 {
        guard case .int64(let number) = values[column].storage else { throw SQLColumnError(column: column, expected: "an integer") }
        return number
    }

    func real(_ column: Int) throws -> Double {
        switch values[column].storage {
        case .double(let number): return number
        case .int64(let number): return Double(number)
        default: throw SQLColumnError(column: column, expected: "a number")
        }
    }

    func blob(_ column: Int) throws -> Data {
        guard case .blob(let data) = values[column].storage else { throw SQLColumnError(column: column, expected: "a blob") }
        return data
    }

    func date(_ column: Int) throws -> Date {
        guard let date = Date.fromDatabaseValue(values[column]) else { throw SQLColumnError(column: column, expected: "a date") }
        return date
    }

    func bool(_ column: Int) throws -> Bool { try integer(column) != 0 }
}
