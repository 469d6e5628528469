import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
@testable import TrellisServer
import TrellisStore
import TrellisTestSupport

/// The referral and inbox pages: a message each way, the consent's revocation behind its confirmation,
/// and the inbox withholding the person's details after it, saying why.
@Suite struct ConsentAndMessagePageTests {
    typealias Browser = WebPageTests.Browser

    @Test func aMessageEachWayThenTheCaseWorkerRevokesAndTheInboxSaysSo() async throws {
        let (site, referral, _) = try await InboxPageTests.site()
        let store = site.rig.store
        try await site.test { client in
            var caseWorker = Browser()
            _ = try await caseWorker.signIn(client, as: "cw-1")
            let page = try await caseWorker.get(client, "/referrals/\(referral.id)")
            let html = String(buffer: page.body)
            #expect(html.contains("id=\"message-form\"") && html.contains("id=\"revoke-form\""))
            // Contact and needs only: the form says why a message may not carry personal information.
            #expect(html.contains("does not cover clinical notes"))
            let csrf = try #require(WebPageTests.hidden("csrf", in: page))
            let refused = try await caseWorker.post(client, "/referrals/\(referral.id)/messages", [("csrf", csrf), ("text", "Her diagnosis"), ("personal", "yes")])
            #expect(String(buffer: refused.body).contains("does not cover clinical notes"))
            let sent = try await caseWorker.post(client, "/referrals/\(referral.id)/messages", [("csrf", csrf), ("text", "Can she come on Tuesday?")])
            #expect(sent.status == .seeOther)
            let forged = try await caseWorker.post(client, "/referrals/\(referral.id)/messages", [("csrf", "forged"), ("text", "x")])
            #expect(forged.status == .forbidden)

            var desk = Browser()
            _ = try await desk.signIn(client, as: "desk-1")
            let inbox = try await desk.get(client, "/inbox/\(referral.id)")
            #expect(String(buffer: inbox.body).contains("Can she come on Tuesday?"))
            let deskCSRF = try #require(WebPageTests.hidden("csrf", in: inbox))
            #expect(try await desk.post(client, "/inbox/\(referral.id)/messages", [("csrf", deskCSRF), ("text", "Yes, at 10")]).status == .seeOther)
            let back = String(buffer: try await caseWorker.get(client, "/referrals/\(referral.id)").body)
            #expect(back.contains("Yes, at 10") && back.contains("desk-1"))

            // Unconfirmed, nothing happens; confirmed, the consent is revoked.
            let unconfirmed = try await caseWorker.post(client, "/referrals/\(referral.id)/consent/revoke", [("csrf", csrf)])
            #expect(String(buffer: unconfirmed.body).contains("Tick the box"))
            #expect(try await store.consent(referralID: referral.id, context: AuditContext(actor: "test")).consent.revokedAt == nil)
            #expect(try await desk.post(client, "/referrals/\(referral.id)/consent/revoke", [("csrf", deskCSRF), ("confirm", "yes")]).status == .notFound)
            let revoked = try await caseWorker.post(client, "/referrals/\(referral.id)/consent/revoke", [("csrf", csrf), ("confirm", "yes")])
            #expect(revoked.status == .seeOther)
            let after = String(buffer: try await caseWorker.get(client, "/referrals/\(referral.id)").body)
            #expect(after.contains("revoked on") && !after.contains("id=\"revoke-form\""))

            let withheld = String(buffer: try await desk.get(client, "/inbox/\(referral.id)").body)
            #expect(withheld.contains("The person revoked their consent on"))
            #expect(!withheld.contains("Maria Quintero-Vasquez") && !withheld.contains("id=\"disclosure\""))
            #expect(withheld.contains("Yes, at 10"), "the thread stays: an administrative message may still be sent")
            let messages = try await store.messages(referralID: referral.id, context: AuditContext(actor: "test"))
            #expect(messages.map(\.fromParty) == [.referrer, .agency])
        }
    }

    @Test(arguments: [("UTC", "2026-12-08T00:00:00Z"), ("America/Chicago", "2026-12-08T06:00:00Z"), ("Pacific/Auckland", "2026-12-07T11:00:00Z")])
    func theReferralFormTakesAConsentExpiryAfterTodayOnly(zone: String, startOfDay: String) throws {
        // The day typed ends the consent at its start in the county's zone, so the pages show that same day.
        let timeZone = try #require(TimeZone(identifier: zone))
        let now = try Date.ISO8601FormatStyle().parse("2026-12-07T08:00:00Z")
        #expect(try ConsentExpiryField.parse("", now: now, timeZone: timeZone) == nil)
        #expect(try ConsentExpiryField.parse("2026-12-08", now: now, timeZone: timeZone) == (try Date.ISO8601FormatStyle().parse(startOfDay)))
        for bad in ["2026-12-07", "2026-12-01", "tomorrow", "2026-13-40", "2026-02-30", "99999-01-01", "2026-1-011", "+026-12-08"] {
            #expect(throws: (any Error).self, "\(bad)") { _ = try ConsentExpiryField.parse(bad, now: now, timeZone: timeZone) }
        }
    }
}
