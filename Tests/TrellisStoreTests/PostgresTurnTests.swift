import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing
@testable import TrellisStore

/// Writers take turns with advisory locks, which belong to the whole database, not to a schema. Two
/// stores in two schemas of one database (two deployments; every test here) must not take each other's
/// turns: when they did, one test's audit append held up every other PostgreSQL test, and a test whose
/// turn waited on a process the test runner could not serve stopped them all for good.
@Suite struct PostgresTurnTests {
    static let logger = Logger(label: "trellis.tests.turns")
    static let auditTurn = "trellis_audit_event"

    @Test func anAuditTurnHeldInOneSchemaHoldsUpThatSchemaAlone() async throws {
        let mine = try StoreHarness(.postgres), other = try StoreHarness(.postgres)
        let myStore = try await mine.open(), otherStore = try await other.open()
        let client = PostgresClient(configuration: try PostgresURL.configuration(try #require(mine.postgresURL)), backgroundLogger: Self.logger)
        let runner = await client.runInBackground()
        defer { runner.cancel() }
        let database = PostgresDatabase(client: client, wait: .seconds(60), runner: nil, logger: Self.logger)
        let turn = try PostgresSession.render(try #require(database.takeTurns(on: Self.auditTurn)))

        let (holding, held) = AsyncStream<Void>.makeStream()
        let (releasing, release) = AsyncStream<Void>.makeStream()
        defer { release.finish() }  // should a check below fail, the turn is still let go
        let (waitersSeen, waiterSeen) = AsyncStream<Int>.makeStream()
        let holder = Task {
            try await database.pool.withTransaction(logger: Self.logger) { connection in
                try await connection.query(turn, logger: Self.logger)
                held.finish()
                for await _ in releasing {}
                waiterSeen.yield(try await Self.waitersOnMyAdvisoryLocks(connection))
                waiterSeen.finish()
            }
        }
        for await _ in holding {}

        // The other schema appends while this one's turn is held.
        let appended = try await Self.within(.seconds(120)) {
            try await otherStore.audit.append(StoreHarness.caseWorker().entry(.read, "referral", "r-other"))
        }
        #expect(appended.event.entityID == "r-other")

        // This schema's append waits for the turn: the holder sees it waiting on its lock, then lets it go.
        let mineAppending = Task { try await myStore.audit.append(StoreHarness.caseWorker().entry(.read, "referral", "r-mine")) }
        try await Self.within(.seconds(120)) {
            while try await Self.waitersOnLocksHeld(byTurnOf: client) == 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        release.finish()
        var waiters: [Int] = []
        for await count in waitersSeen { waiters.append(count) }
        try await holder.value
        let mineAppended = try await mineAppending.value
        #expect(mineAppended.event.entityID == "r-mine")
        #expect(waiters == [1], "this schema's append waited on the held turn until it was released")
        await mine.close()
        await other.close()
    }

    /// Sessions waiting for an advisory lock the asking session holds.
    static func waitersOnMyAdvisoryLocks(_ connection: PostgresConnection) async throws -> Int {
        let rows = try await connection.query("""
            SELECT count(*)::int FROM pg_locks w WHERE w.locktype = 'advisory' AND NOT w.granted AND (w.classid, w.objid, w.objsubid) IN
                (SELECT classid, objid, objsubid FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory' AND granted)
            """, logger: logger).collect()
        return try rows.first?.decode(Int.self) ?? 0
    }

    /// Sessions waiting for an advisory lock that another session of this client's database holds in this test's schema.
    static func waitersOnLocksHeld(byTurnOf client: PostgresClient) async throws -> Int {
        let rows = try await client.query("""
            SELECT count(*)::int FROM pg_locks w WHERE w.locktype = 'advisory' AND NOT w.granted AND (w.classid, w.objid, w.objsubid) IN
                (SELECT classid, objid, objsubid FROM pg_locks WHERE locktype = 'advisory' AND granted
                 AND objid = (hashtext(coalesce(current_schema(), '') || ':' || \(auditTurn))::bigint & 4294967295)::oid)
            """, logger: logger).collect()
        return try rows.first?.decode(Int.self) ?? 0
    }

    /// The body's value, or a failure naming the wait when it takes longer than `limit`. The body is left
    /// running then (a wait for a lock does not end when its task is cancelled): the test fails instead
    /// of holding up the whole run.
    static func within<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let pending = Mutex<CheckedContinuation<T, any Error>?>(nil)
        let finish: @Sendable (Result<T, any Error>) -> Void = { result in pending.withLock { $0?.resume(with: result); $0 = nil } }
        return try await withCheckedThrowingContinuation { continuation in
            pending.withLock { $0 = continuation }
            Task {
                do { finish(.success(try await body())) } catch { finish(.failure(error)) }
            }
            Task {
                try? await Task.sleep(for: limit)
                finish(.failure(HarnessError("still waiting after \(limit)")))
            }
        }
    }
}
