import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
import TrellisServer
import TrellisStore
import TrellisTestSupport

/// A referral's consent is recorded as captured by the signed-in user, whatever the body says, and
/// only when it was captured within the last 30 days and not in the future.
@Suite struct ConsentCaptureTests {
    typealias F = APIFixture

    @Test func capturedByIsTheSignedInUserNeverTheRequestsValue() async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let response = try await client.execute(uri: "/v1/referrals", method: .post, headers: fixture.headers(.caseworkerA),
                                                    body: try F.referralBody(capturedBy: "sup-b"))
            #expect(response.status == .created)
            let id = try #require(try F.json(response)["id"] as? String)
            let stored = try await fixture.store.consent(referralID: id, context: AuditContext(actor: "admin-1"))
            #expect(stored.consent.capturedBy == "cw-a")
        }
    }

    @Test(arguments: [
        ("31 days ago", -31.0 * 86_400), ("a year ago", -365.0 * 86_400), ("an hour ahead", 3_600.0), ("a minute ahead", 60.0),
    ])
    func aConsentOutsideTheLastThirtyDaysIsRefused(_ what: String, _ offset: TimeInterval) async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let response = try await client.execute(uri: "/v1/referrals", method: .post, headers: fixture.headers(.caseworkerA),
                                                    body: try F.referralBody(capturedAt: Date().addingTimeInterval(offset)))
            #expect(response.status == .unprocessableContent, "\(what)")
            #expect(try F.errorField(response) == "consent.captured_at", "\(what)")
        }
    }

    @Test func aConsentTwentyNineDaysOldIsTaken() async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let response = try await client.execute(uri: "/v1/referrals", method: .post, headers: fixture.headers(.caseworkerA),
                                                    body: try F.referralBody(capturedAt: Date().addingTimeInterval(-29 * 86_400)))
            #expect(response.status == .created)
        }
    }
}
