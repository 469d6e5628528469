import Foundation
import Logging
import NIOPosix
import PostgresNIO
import Synchronization
import Testing
@testable import TrellisStore

/// A caller waits for a PostgreSQL connection only so long, then gets "unavailable" (503), and its
/// place in the pool's queue is withdrawn; the pool keeps working for the callers after it.
@Suite struct PostgresPoolTests {
    static let logger = Logger(label: "test.postgres-pool")

    @Test func aDatabaseNobodyListensForIsUnavailableNotAHang() async throws {
        let port = try await Self.closedPort()
        let client = PostgresClient(configuration: try PostgresURL.configuration("postgres://trellis@127.0.0.1:\(port)/trellis"),
                                    backgroundLogger: Self.logger)
        let runner = await client.runInBackground()
        defer { runner.cancel() }
        let pool = PostgresPool(client: client, wait: .milliseconds(300))
        let error = await #expect(throws: StoreUnavailable.self) {
            _ = try await pool.query("SELECT 1", logger: Self.logger)
        }
        #expect(error.map(StoreAvailability.isUnavailable) == true)
    }

    @Test func aCallerBehindABusyPoolGivesUpAndTheNextOneIsServed() async throws {
        var configuration = try PostgresURL.configuration(try TestPostgres.baseURL())
        configuration.options.maximumConnections = 1
        let client = PostgresClient(configuration: configuration, backgroundLogger: Self.logger)
        let runner = await client.runInBackground()
        defer { runner.cancel() }
        // The holder may wait as long as a loaded machine needs to open the connection; the second caller may not.
        let patient = PostgresPool(client: client, wait: .seconds(60))
        let hurried = PostgresPool(client: client, wait: .milliseconds(200))

        let (holding, held) = AsyncStream<Void>.makeStream()
        let (releasing, release) = AsyncStream<Void>.makeStream()
        let holder = Task {
            do {
                try await patient.withConnection { _ in
                    held.finish()
                    for await _ in releasing {}
                }
            } catch {
                held.finish()
                throw error
            }
        }
        for await _ in holding {}
        await #expect(throws: StoreUnavailable.self) {
            _ = try await hurried.query("SELECT 1", logger: Self.logger)
        }
        release.finish()
        try await holder.value
        // The withdrawn request did not take the only connection with it.
        let rows = try await patient.query("SELECT 41 + 1", logger: Self.logger)
        #expect(try rows.first?.decode(Int.self) == 42)
    }

    @Test func aFailedBodyRollsBackAndReturnsTheConnection() async throws {
        var configuration = try PostgresURL.configuration(try await TestPostgres.freshSchemaURL(logger: Self.logger))
        configuration.options.maximumConnections = 1
        let client = PostgresClient(configuration: configuration, backgroundLogger: Self.logger)
        let runner = await client.runInBackground()
        defer { runner.cancel() }
        let pool = PostgresPool(client: client, wait: .seconds(60))
        _ = try await pool.query("CREATE TABLE note (text text)", logger: Self.logger)
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await pool.withTransaction(logger: Self.logger) { connection in
                try await connection.query("INSERT INTO note VALUES ('half')", logger: Self.logger)
                throw Refused()
            }
        }
        let rows = try await pool.query("SELECT count(*) FROM note", logger: Self.logger)
        #expect(try rows.first?.decode(Int.self) == 0)
    }

    /// A call that holds its connection past `slowCall` is logged while it still runs (the body waits
    /// for the line before it returns): what a request held by a lost database leaves behind to find it by.
    @Test func aCallStillRunningAfterItsSlowLimitIsLogged() async throws {
        let lines = RecordedLines()
        let logger = Logger(label: "test.postgres-pool.slow") { _ in lines }
        let client = PostgresClient(configuration: try PostgresURL.configuration(try TestPostgres.baseURL()), backgroundLogger: Self.logger)
        let runner = await client.runInBackground()
        defer { runner.cancel() }
        let pool = PostgresPool(client: client, wait: .seconds(60), slowCall: .milliseconds(200), logger: logger)
        let seen = try await pool.withConnection { _ in
            for _ in 0..<6_000 where lines.all.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            return lines.all
        }
        #expect(seen.map(\.message) == ["a database call has held its connection for 0.2 seconds and not returned"])
        #expect(seen.first?.metadata["db.waited_for_connection"] != nil)
        #expect(seen.first?.level == .warning)
    }

    /// A statement PostgreSQL does not answer within the limit closes its connection: the call ends as
    /// unavailable (503), what its transaction wrote is not committed, and the next call is served.
    @Test func aStatementWithoutAnAnswerEndsItsCallUncommitted() async throws {
        let client = PostgresClient(configuration: try PostgresURL.configuration(try await TestPostgres.freshSchemaURL(logger: Self.logger)),
                                    backgroundLogger: Self.logger)
        let runner = await client.runInBackground()
        defer { runner.cancel() }
        let database = PostgresDatabase(client: client, wait: .seconds(60), runner: nil, logger: Self.logger)
        // The limit is short here only, and long enough for BEGIN and the INSERT on a loaded machine.
        let hurried = PostgresDatabase(client: client, wait: .seconds(60), answerLimit: .seconds(3), runner: nil, logger: Self.logger)
        try await database.write { session in try await session.execute("CREATE TABLE note (text text)") }
        await #expect(throws: StoreUnavailable.self) {
            try await hurried.write { session in
                try await session.execute("INSERT INTO note VALUES ('half')")
                _ = try await session.rows("SELECT pg_sleep(600)")  // as a statement sent to a database going down
            }
        }
        let count = try await database.read { session in try await session.value("SELECT count(*) FROM note", as: Int64.self) }
        #expect(count == 0)
    }

    /// postgres-nio drops a statement written to a connection that has closed and never answers it (what
    /// PostgreSQL going down between a transaction's statements does): it fails at once instead.
    @Test func aStatementOnAClosedConnectionFailsAtOnce() async throws {
        let client = PostgresClient(configuration: try PostgresURL.configuration(try TestPostgres.baseURL()), backgroundLogger: Self.logger)
        let runner = await client.runInBackground()
        defer { runner.cancel() }
        let pool = PostgresPool(client: client, wait: .seconds(60), answerLimit: .seconds(600), logger: Self.logger)
        let error = await #expect(throws: StoreUnavailable.self) {
            try await pool.withConnection { connection in
                try await connection.close()
                _ = try await PostgresSession(connection: connection, logger: Self.logger, answerLimit: pool.answerLimit).rows("SELECT 1")
            }
        }
        #expect(error?.reason == "the database connection has closed")
        // The pool makes a new connection for the next call.
        let rows = try await pool.query("SELECT 41 + 1", logger: Self.logger)
        #expect(try rows.first?.decode(Int.self) == 42)
    }

    /// A loopback port that was free a moment ago and that nothing listens on.
    static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 1
        try await channel.close()
        return port
    }
}

/// Log lines kept in memory, for tests that expect one.
final class RecordedLines: LogHandler, @unchecked Sendable {
    struct Line: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let lines = Mutex<[Line]>([])
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    var all: [Line] { lines.withLock { $0 } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        let merged = self.metadata.merging(metadata ?? [:]) { $1 }.mapValues { "\($0)" }
        lines.withLock { $0.append(Line(level: level, message: message.description, metadata: merged)) }
    }
}
