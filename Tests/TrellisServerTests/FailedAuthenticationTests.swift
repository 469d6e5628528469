import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
import TrellisServer
import TrellisStore
import TrellisTestSupport

/// Bogus credentials cost no database write: a malformed token never reaches the store, an unknown
/// one is only read, an unsigned partner answer is refused after reads alone, and every failure is
/// counted and audited as one record per address and minute with the exact count.
@Suite struct FailedAuthenticationTests {
    typealias F = APIFixture

    static func lastSequence(_ store: SQLiteStore) async throws -> Int64 {
        try #require(try await store.audit.head()).event.sequence
    }

    static func failureRecords(_ store: SQLiteStore, after sequence: Int64) async throws -> [AuditEvent] {
        try await store.audit.records(after: sequence, limit: 1_000).map(\.event).filter { $0.entityID == "failed-authentications" }
    }

    /// Malformed tokens, well-formed made-up ones and made-up session cookies alike.
    static func bogusRequests(_ n: Int) -> [(uri: String, headers: HTTPFields)] {
        (0..<n).map { i in
            switch i % 3 {
            case 0: ("/v1/referrals", [.authorization: "Bearer nope-\(i)"])
            case 1: ("/v1/referrals", [.authorization: "Bearer trt_" + String(repeating: "A", count: 40) + String(format: "%03d", i)])
            default: ("/v1/referrals/ref-\(i)", [.authorization: "Bearer \(String(repeating: "x", count: 5_000))"])
            }
        }
    }

    /// N in "failed authentications: N in the minute from …".
    static func count(in detail: String?) -> Int {
        guard let detail, detail.hasPrefix("failed authentications: ") else { return 0 }
        return Int(detail.dropFirst("failed authentications: ".count).prefix { $0.isNumber }) ?? 0
    }

    @Test func bogusTokensWriteNothingUntilTheirMinuteIsAuditedOnceWithTheCount() async throws {
        let fixture = try await F.make()
        let n = 30
        let before = try await Self.lastSequence(fixture.store)
        try await fixture.test { client in
            for request in Self.bogusRequests(n) {
                let response = try await client.execute(uri: request.uri, method: .get, headers: request.headers)
                #expect(response.status == .unauthorized)
            }
            #expect(try await Self.lastSequence(fixture.store) == before, "no audit record, no write, per bogus token")
            #expect(fixture.failures.pending == n)

            let appended = try await fixture.failures.flush(to: fixture.store.audit, now: Date().addingTimeInterval(120))
            let records = try await Self.failureRecords(fixture.store, after: before)
            // One record per minute: requests that straddle a minute's end are two records, never more.
            #expect(appended == records.count && (1...2).contains(records.count), "\(records.map(\.detail))")
            for record in records {
                #expect(record.outcome == .denied && record.entity == "session" && record.purpose == "security")
                #expect(record.detail?.hasPrefix("failed authentications: ") == true && record.detail?.contains(" in the minute from ") == true,
                        "\(record.detail ?? "")")
            }
            #expect(records.map { Self.count(in: $0.detail) }.reduce(0, +) == n, "every failure counted once")
            #expect(records.allSatisfy { $0.detail?.hasSuffix("(token \(Self.count(in: $0.detail)))") == true }, "\(records.map(\.detail))")
            #expect(fixture.failures.pending == 0)
        }
    }

    @Test func whatIsCountedWhenTheServerStopsIsAuditedThen() async throws {
        let fixture = try await F.make()
        let before = try await Self.lastSequence(fixture.store)
        try await fixture.app().test(.router) { client in
            for request in Self.bogusRequests(7) {
                _ = try await client.execute(uri: request.uri, method: .get, headers: request.headers)
            }
        }
        let records = try await Self.failureRecords(fixture.store, after: before)
        #expect((1...2).contains(records.count), "one record per minute the requests fell in: \(records.map(\.detail))")
        #expect(records.map { Self.count(in: $0.detail) }.reduce(0, +) == 7)
        await fixture.rig.close()
    }

    @Test func countsStayExactPerAddressAndMinute() async throws {
        let rig = try await DeliveryRig.make(directory: false)
        let failures = FailedAuthentications()
        let minute = Date(timeIntervalSince1970: 1_800_000_000)  // a minute's start
        for (address, offset, count) in [("10.0.0.1", 0.0, 3), ("10.0.0.2", 10.0, 2), ("10.0.0.1", 59.0, 1), ("10.0.0.1", 61.0, 4)] {
            for _ in 0..<count { failures.record(.token, address: address, now: minute.addingTimeInterval(offset)) }
        }
        failures.record(.signature, address: "10.0.0.2", now: minute)
        let before = try await rig.store.audit.head()?.event.sequence ?? 0
        #expect(try await failures.flush(to: rig.store.audit, now: minute.addingTimeInterval(61)) == 2, "the open minute waits")
        #expect(try await failures.flush(to: rig.store.audit, now: minute.addingTimeInterval(90), everything: true) == 1)
        let records = try await rig.store.audit.records(after: before, limit: 100).map(\.event)
        #expect(records.map(\.sourceAddress) == ["10.0.0.1", "10.0.0.2", "10.0.0.1"])
        #expect(records.map { $0.detail?.components(separatedBy: " ").dropFirst(2).first } == ["4", "3", "4"])
        #expect(records[1].detail?.hasSuffix("(signature 1, token 2)") == true, "\(records[1].detail ?? "")")
        await rig.close()
    }

    @Test func anUnsignedTaskPutWritesNothing() async throws {
        let fixture = try await F.make()
        let referral = try #require(try await fixture.rig.refer().first)
        let before = try await Self.lastSequence(fixture.store)
        try await fixture.test { client in
            let task = ByteBuffer(string: #"{"resourceType": "Task", "status": "accepted", "intent": "order"}"#)
            let unsigned = try await client.execute(uri: "/fhir/Task/\(referral.id)", method: .put, headers: [.contentType: "application/json"], body: task)
            #expect(unsigned.status == .unauthorized)
            let forged = try await client.execute(uri: "/fhir/Task/\(referral.id)", method: .put,
                                                  headers: [.contentType: "application/json", HTTPField.Name("webhook-id")!: "m1",
                                                            HTTPField.Name("webhook-timestamp")!: String(Int(Date().timeIntervalSince1970)),
                                                            HTTPField.Name("webhook-signature")!: "v1," + Data(count: 32).base64EncodedString()],
                                                  body: task)
            #expect(forged.status == .unauthorized)
            let unknown = try await client.execute(uri: "/fhir/Task/ref-\(UUID().uuidString)", method: .put, headers: [.contentType: "application/json"], body: task)
            #expect(unknown.status == .notFound)
            #expect(try await Self.lastSequence(fixture.store) == before, "refused answers leave no per-request write")
            #expect(fixture.failures.pending == 2, "the two bad signatures are counted")
        }
    }

    @Test func metricsAreForAnAdministratorsTokenOnTheMainPort() async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            #expect(try await client.execute(uri: "/metrics", method: .get).status == .unauthorized)
            #expect(try await client.execute(uri: "/metrics", method: .get, headers: fixture.headers(.caseworkerA)).status == .forbidden)
            #expect(try await client.execute(uri: "/metrics", method: .get, headers: fixture.headers(.partner42)).status == .forbidden)
            let admin = try await client.execute(uri: "/metrics", method: .get, headers: fixture.headers(.admin))
            #expect(admin.status == .ok)
            #expect(String(buffer: admin.body).contains("trellis_outbox_depth "))
        }
    }

    @Test func theSeparateMetricsPortServesWithoutAToken() async throws {
        let rig = try await DeliveryRig.make(directory: false)
        try await TrellisApplication.metrics(store: rig.store, port: 0, logger: LoopbackServer.logger).test(.router) { client in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body).contains("trellis_outbox_depth "))
            #expect(try await client.execute(uri: "/v1/referrals", method: .get).status == .notFound, "only /metrics is there")
        }
        #expect(TrellisApplication.loopback == "127.0.0.1")
        await rig.close()
    }
}
