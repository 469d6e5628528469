import Foundation
import Logging
import NIOPosix
import PostgresNIO
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

    /// A loopback port that was free a moment ago and that nothing listens on.
    static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 1
        try await channel.close()
        return port
    }
}
