import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
import TrellisServer
import TrellisStore
import TrellisTestSupport

/// Each role against each route, and against another organization's referrals. A route a role may not
/// use is 403; a referral outside its scope is 404, as if it did not exist; every refusal is audited.
@Suite struct AccessMatrixTests {
    typealias F = APIFixture
    typealias C = F.Caller

    /// Referral "A" is made by ORG-A's case worker for agency ORG-42 (partner p42); "B" by ORG-B's for ORG-7.
    static let matrix: [(C, String, String, Int)] = [
        (.caseworkerA, "GET", "/v1/referrals/A", 200), (.caseworkerB, "GET", "/v1/referrals/A", 404),
        (.supervisorA, "GET", "/v1/referrals/A", 200), (.supervisorB, "GET", "/v1/referrals/A", 404),
        (.admin, "GET", "/v1/referrals/A", 200), (.partner42, "GET", "/v1/referrals/A", 200),
        (.partner42, "GET", "/v1/referrals/B", 404), (.caseworkerA, "GET", "/v1/referrals/B", 404),
        (.caseworkerB, "POST", "/v1/referrals/A/cancel", 404), (.partner42, "POST", "/v1/referrals/A/cancel", 403),
        (.partner42, "POST", "/v1/referrals", 403),
        (.caseworkerA, "GET", "/v1/reports/loop-closure", 403), (.supervisorA, "GET", "/v1/reports/loop-closure", 200),
        (.admin, "GET", "/v1/reports/loop-closure", 200), (.partner42, "GET", "/v1/reports/loop-closure", 403),
        (.caseworkerA, "GET", "/v1/reports/equity", 403), (.supervisorA, "GET", "/v1/reports/equity", 200),
        (.admin, "GET", "/v1/reports/equity", 200), (.partner42, "GET", "/v1/reports/equity", 403),
        (.caseworkerA, "GET", "/v1/audit", 403), (.supervisorA, "GET", "/v1/audit", 403), (.partner42, "GET", "/v1/audit", 403),
        (.admin, "GET", "/v1/audit", 200), (.supervisorA, "GET", "/v1/audit/verify", 403), (.admin, "GET", "/v1/audit/verify", 200),
        (.caseworkerA, "POST", "/v1/directories", 403), (.supervisorA, "POST", "/v1/directories", 403),
        (.caseworkerA, "GET", "/v1/services", 200), (.partner42, "GET", "/v1/services/svc-ORG-42", 200),
        (.caseworkerA, "GET", "/v1/me", 200),
        // An agency user: its own organization's referrals to read, nothing to send, cancel, report or administer.
        (.agency42, "GET", "/v1/referrals/A", 200), (.agency42, "GET", "/v1/referrals/B", 404),
        (.agency42, "POST", "/v1/referrals", 403), (.agency42, "POST", "/v1/referrals/A/cancel", 403),
        (.agency42, "GET", "/v1/reports/loop-closure", 403), (.agency42, "GET", "/v1/audit", 403),
        (.agency42, "POST", "/v1/directories", 403), (.agency42, "GET", "/v1/me", 200),
    ]

    @Test(arguments: matrix)
    func eachRoleGetsWhatItMay(_ caller: C, _ method: String, _ template: String, _ expected: Int) async throws {
        let fixture = try await F.make()
        let a = try await Self.refer(fixture, by: .caseworkerA, to: "ORG-42")
        let b = try await Self.refer(fixture, by: .caseworkerB, to: "ORG-7")
        let uri = template.replacingOccurrences(of: "/A", with: "/\(a)").replacingOccurrences(of: "/B", with: "/\(b)")
        try await fixture.test { client in
            let body: ByteBuffer? = method == "POST" ? (uri == "/v1/referrals" ? try F.referralBody() : ByteBuffer(string: "{}")) : nil
            let response = try await client.execute(uri: uri, method: HTTPRequest.Method(method)!, headers: fixture.headers(caller), body: body)
            #expect(Int(response.status.code) == expected, "\(caller) \(method) \(template): \(String(buffer: response.body))")
            if expected == 404 {
                // The same answer as for a referral that never existed: nothing says it does.
                #expect((try F.json(response)["error"] as? [String: Any])?["code"] as? String == "not_found")
            }
            if expected == 403 || expected == 404 {
                let trail = try await fixture.store.audit.records(after: 0, limit: 10_000).map(\.event)
                #expect(trail.contains { $0.actor == caller.rawValue && $0.outcome == .denied }, "the refusal is audited")
            }
        }
    }

    @Test func listsHoldOnlyWhatEachCallerMaySee() async throws {
        let fixture = try await F.make()
        let a = try await Self.refer(fixture, by: .caseworkerA, to: "ORG-42")
        let b = try await Self.refer(fixture, by: .caseworkerB, to: "ORG-7")
        let expected: [C: Set<String>] = [.caseworkerA: [a], .supervisorA: [a], .caseworkerB: [b], .supervisorB: [b], .admin: [a, b], .partner42: [a]]
        try await fixture.test { client in
            for (caller, ids) in expected {
                let list = try F.json(try await client.execute(uri: "/v1/referrals", method: .get, headers: fixture.headers(caller)))
                let seen = Set((list["contents"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
                #expect(seen == ids, "\(caller)")
            }
        }
    }

    @Test func aSupervisorsReportCountsOnlyTheirOrganization() async throws {
        let fixture = try await F.make()
        _ = try await Self.refer(fixture, by: .caseworkerA, to: "ORG-42")
        _ = try await Self.refer(fixture, by: .caseworkerB, to: "ORG-7")
        try await fixture.test { client in
            let mine = try F.json(try await client.execute(uri: "/v1/reports/loop-closure", method: .get, headers: fixture.headers(.supervisorA)))
            #expect((mine["overall"] as? [String: Any])?["sent"] as? Int == 1)
            let all = try F.json(try await client.execute(uri: "/v1/reports/loop-closure", method: .get, headers: fixture.headers(.admin)))
            #expect((all["overall"] as? [String: Any])?["sent"] as? Int == 2)
            let bad = try await client.execute(uri: "/v1/reports/loop-closure?from=yesterday", method: .get, headers: fixture.headers(.admin))
            #expect(bad.status == .badRequest)
            #expect(try F.errorField(bad) == "from")
        }
    }

    @Test func withoutATokenEveryV1RouteIs401() async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            for uri in ["/v1/referrals", "/v1/services", "/v1/reports/loop-closure", "/v1/audit", "/v1/me"] {
                let response = try await client.execute(uri: uri, method: .get, headers: fixture.headers(nil))
                #expect(response.status == .unauthorized, "\(uri)")
                #expect(response.headers[.wwwAuthenticate] != nil)
            }
        }
    }

    static func refer(_ fixture: F, by caller: C, to organization: String) async throws -> String {
        var profile = DeliveryFixtures.profile
        profile.person.ref = "P-\(caller)"
        let consent = Consent(recipient: organization, categories: [.contact, .needs], method: .verbal, capturedBy: caller.rawValue,
                              capturedAt: Date().addingTimeInterval(-60))
        let request = NewReferral(profile: profile, serviceID: "svc-\(organization)", consent: consent, referrerOrganizationID: caller.organization)
        return try await fixture.store.createReferral(request, context: AuditContext(actor: caller.rawValue)).id
    }
}
