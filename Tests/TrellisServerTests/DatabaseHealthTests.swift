import Foundation
import Synchronization
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisServer
import TrellisStore
import TrellisTestSupport

/// While the database does not answer, requests that need it get 503 with Retry-After at once,
/// `/readyz` says the database is unreachable, and `/healthz` still answers.
@Suite struct DatabaseHealthTests {
    typealias F = APIFixture

    @Test func aDatabaseThatDoesNotAnswerIs503AtOnce() async throws {
        let fixture = try await F.make()
        // A generous time limit: on a loaded machine a healthy answer can take seconds; a closed store fails at once.
        let health = DatabaseHealth(store: fixture.store, timeout: .seconds(60), logger: LoopbackServer.logger)
        var parts = TrellisServerParts(store: fixture.store, matching: fixture.matching)
        parts.databaseHealth = health
        try await TrellisApplication.make(parts, port: 0, logger: LoopbackServer.logger).test(.router) { client in
            #expect(try await client.execute(uri: "/v1/referrals", method: .get, headers: fixture.headers(.caseworkerA)).status == .ok)
            try await fixture.store.close()  // the database goes away
            // The watch may be asking already (it runs as a service beside the routes): ask until it has noticed.
            for _ in 0..<200 where health.isReachable {
                await health.checkNow()
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(!health.isReachable)
            let refused = try await client.execute(uri: "/v1/referrals", method: .get, headers: fixture.headers(.caseworkerA))
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers[.retryAfter] == "5")
            #expect((try F.json(refused)["error"] as? [String: Any])?["code"] as? String == "unavailable")
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect(try F.json(ready)["database"] as? String == "unreachable")
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }

    /// A question to the database that never returns (a query on a connection PostgreSQL dropped, as a
    /// database-loss drill found) must not freeze the state: past `stuckAfter` the next check asks again.
    /// The time that judges a question hung is the test's own, so a loaded machine cannot change the story.
    @Test func aCheckThatHangsIsAskedAgainAndServiceResumes() async throws {
        let calls = Mutex(0)
        let start = ContinuousClock.now
        let elapsed = Mutex(Duration.zero)
        let health = DatabaseHealth(interval: .seconds(3600), timeout: .seconds(1), stuckAfter: .seconds(60), logger: LoopbackServer.logger,
                                    now: { start + elapsed.withLock { $0 } }) {
            let call = calls.withLock { count -> Int in
                count += 1
                return count
            }
            if call == 1 { try await Task.sleep(for: .seconds(3600)) }
        }
        await health.checkNow()
        #expect(!health.isReachable, "the first question did not answer within its time limit")
        elapsed.withLock { $0 = .seconds(59) }
        await health.checkNow()
        #expect(!health.isReachable && calls.withLock { $0 } == 1, "asked again too soon: the question out still decides")
        elapsed.withLock { $0 = .seconds(61) }
        // Past stuckAfter a new question goes out and is answered (a few checks, should a loaded
        // machine let the time limit pass first).
        for _ in 0..<100 where !health.isReachable {
            await health.checkNow()
            if !health.isReachable { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(health.isReachable && calls.withLock { $0 } >= 2, "the hung question was given up, and the database answered")
    }
}
