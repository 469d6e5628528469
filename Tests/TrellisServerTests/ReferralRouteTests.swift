import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
import TrellisServer
import TrellisStore
import TrellisTestSupport

/// `/v1/referrals` through the real application: create, list, read, cancel, and what is refused.
@Suite struct ReferralRouteTests {
    typealias F = APIFixture

    @Test func aCaseWorkerRefersListsReadsAndCancels() async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let created = try await client.execute(uri: "/v1/referrals", method: .post, headers: fixture.headers(.caseworkerA), body: try F.referralBody())
            #expect(created.status == .created, "\(String(buffer: created.body))")
            let referral = try F.json(created)
            let id = try #require(referral["id"] as? String)
            #expect(created.headers[.location] == "/v1/referrals/\(id)")
            #expect(referral["status"] as? String == "requested")
            #expect(referral["referrer_organization_id"] as? String == "ORG-A")
            #expect(referral["overdue"] as? Bool == false)

            let list = try F.json(try await client.execute(uri: "/v1/referrals?status=requested&per_page=5", method: .get, headers: fixture.headers(.caseworkerA)))
            #expect((list["contents"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            #expect(list["page_number"] as? Int == 1 && list["size"] as? Int == 5 && list["has_more"] as? Bool == false)

            let detail = try F.json(try await client.execute(uri: "/v1/referrals/\(id)", method: .get, headers: fixture.headers(.caseworkerA)))
            #expect((detail["history"] as? [[String: Any]])?.count == 1)
            #expect((detail["delivery"] as? [String: Any])?["state"] as? String == "pending")
            #expect((detail["delivery_attempts"] as? [Any])?.isEmpty == true)

            let cancelled = try await client.execute(uri: "/v1/referrals/\(id)/cancel", method: .post, headers: fixture.headers(.caseworkerA),
                                                     body: ByteBuffer(string: #"{"reason": "the person found housing", "version": 1}"#))
            #expect(cancelled.status == .ok, "\(String(buffer: cancelled.body))")
            #expect(try F.json(cancelled)["status"] as? String == "cancelled")
            let again = try await client.execute(uri: "/v1/referrals/\(id)/cancel", method: .post, headers: fixture.headers(.caseworkerA), body: ByteBuffer(string: "{}"))
            #expect(again.status == .unprocessableContent)
            #expect((try F.json(again)["error"] as? [String: Any])?["code"] as? String == "illegal_move")
        }
    }

    @Test(arguments: [
        (#", "agee": 3"#, "", 400, "agee"),
        ("", "ORG-NOPE", 422, "service_id"),
    ])
    func aBadReferralNamesTheField(_ extra: String, _ organization: String, _ status: Int, _ field: String) async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let body = try F.referralBody(to: organization.isEmpty ? "ORG-42" : organization, extra: extra)
            let response = try await client.execute(uri: "/v1/referrals", method: .post, headers: fixture.headers(.caseworkerA), body: body)
            #expect(Int(response.status.code) == status, "\(String(buffer: response.body))")
            #expect(try F.errorField(response) == field)
        }
    }

    @Test func consentMustNameTheReceivingOrganization() async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let body = try F.referralBody().getString(at: 0, length: try F.referralBody().readableBytes)!
                .replacingOccurrences(of: #""recipient": "ORG-42""#, with: #""recipient": "ORG-7""#)
            let response = try await client.execute(uri: "/v1/referrals", method: .post, headers: fixture.headers(.caseworkerA), body: ByteBuffer(string: body))
            #expect(response.status == .unprocessableContent)
            #expect(try F.errorField(response) == "consent.recipient")
            #expect(try await fixture.store.referrals(ReferralFilter(), context: AuditContext(actor: "test")).isEmpty, "nothing was stored")
        }
    }

    @Test(arguments: [
        ("/v1/referrals?colour=red", "colour"), ("/v1/referrals?status=lost", "status"), ("/v1/referrals?per_page=101", "per_page"),
        ("/v1/referrals?page=0", "page"), ("/v1/referrals?overdue=yes", "overdue"), ("/v1/referrals?mine=", "mine"),
        ("/v1/referrals?page=", "page"),
    ])
    func aBadListQueryNamesTheParameter(_ uri: String, _ field: String) async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let response = try await client.execute(uri: uri, method: .get, headers: fixture.headers(.caseworkerA))
            #expect(response.status == .badRequest)
            #expect(try F.errorField(response) == field)
        }
    }

    @Test func aBodyOverTheLimitIsRefused() async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let huge = ByteBuffer(string: #"{"note": ""# + String(repeating: "x", count: 200 * 1_024) + #""}"#)
            let response = try await client.execute(uri: "/v1/referrals", method: .post, headers: fixture.headers(.caseworkerA), body: huge)
            #expect(response.status == .contentTooLarge)
            #expect((try F.json(response)["error"] as? [String: Any])?["code"] as? String == "too_large")
        }
    }

    @Test func aRetriedCreationWithTheSameKeyMakesOneReferral() async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            var headers = fixture.headers(.caseworkerA)
            headers[.init("Idempotency-Key")!] = "create-7f3a"
            let first = try await client.execute(uri: "/v1/referrals", method: .post, headers: headers, body: try F.referralBody())
            let again = try await client.execute(uri: "/v1/referrals", method: .post, headers: headers, body: try F.referralBody())
            #expect(first.status == .created && again.status == .created)
            #expect(try F.json(first)["id"] as? String == (try F.json(again)["id"] as? String))
            headers[.init("Idempotency-Key")!] = "create-other"
            let other = try await client.execute(uri: "/v1/referrals", method: .post, headers: headers, body: try F.referralBody())
            #expect(try F.json(other)["id"] as? String != (try F.json(first)["id"] as? String))
            let list = try F.json(try await client.execute(uri: "/v1/referrals", method: .get, headers: fixture.headers(.caseworkerA)))
            #expect((list["contents"] as? [Any])?.count == 2)
        }
    }
}
