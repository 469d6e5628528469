import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
@testable import TrellisServer
import TrellisStore
import TrellisTestSupport

/// The case worker's pages after the agency answers: a rejection flagged in the tracker, the next
/// matches on the referral page and one click to refer, the follow-up section and form, and the
/// dashboard's outcome tables.
@Suite struct FollowThroughPageTests {
    typealias Browser = WebPageTests.Browser

    static func refer(_ store: any TrellisStore, to service: Service, ref: String, at now: Date = Date()) async throws -> Referral {
        var profile = DeliveryFixtures.profile
        profile.person.ref = ref
        let consent = Consent(recipient: service.organizationID, categories: [.contact, .needs], method: .verbal, capturedBy: "cw-1",
                              capturedAt: now.addingTimeInterval(-60))
        return try await store.createReferral(NewReferral(profile: profile, serviceID: service.id, consent: consent, referrerOrganizationID: "ORG-CW"),
                                              context: AuditContext(actor: "cw-1", now: now))
    }

    @Test func aRejectionIsFlaggedAndItsNextMatchIsOneClickAway() async throws {
        let site = try await WebPageTests.Site.make()
        let store = site.rig.store
        let profile = DeliveryFixtures.profile
        let ranked = try site.settings.matching!.matcher.match(profile, in: site.settings.matching!.index)
        let first = try #require(ranked.matches.first?.results.first)
        let service = try #require(try await store.service(id: first.serviceID))
        let referral = try await Self.refer(store, to: service, ref: profile.person.ref)
        _ = try await store.changeStatus(StatusChangeRequest(referralID: referral.id, status: .rejected, party: .agency,
                                                             outcome: ReferralOutcome(code: .noCapacity)), context: AuditContext(actor: "partner:x"))
        try await site.test { client in
            var browser = Browser()
            _ = try await browser.signIn(client, as: "cw-1")
            let tracker = String(buffer: try await browser.get(client, "/referrals").body)
            #expect(tracker.contains("<strong class=\"next-step-flag\">needs a next step</strong>"))
            let filtered = String(buffer: try await browser.get(client, "/referrals?needs_next_step=true").body)
            #expect(filtered.contains("data-referral-id=\"\(referral.id)\"") && filtered.contains("id=\"next-step-filter\" name=\"needs_next_step\" value=\"true\" checked"))
            let page = try await browser.get(client, "/referrals/\(referral.id)")
            let html = String(buffer: page.body)
            #expect(html.contains("id=\"outcome\"") && html.contains("<strong>No capacity</strong>"))
            #expect(html.contains("id=\"next-matches\""))
            #expect(html.contains("name=\"previous_referral_id\" value=\"\(referral.id)\""))
            // The rejecting agency's services come last: the first offered is another agency's.
            let offered = html.components(separatedBy: "class=\"match\" data-service-id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
            let firstOffered = try #require(offered.first)
            #expect(try await store.service(id: firstOffered)?.organizationID != service.organizationID)

            let csrf = try #require(WebPageTests.hidden("csrf", in: page))
            let form = [("csrf", csrf), ("profile", try ProfileForm.carried(profile)), ("service_id", firstOffered),
                        ("previous_referral_id", referral.id), ("category", "needs"), ("method", "verbal")]
            let preview = String(buffer: try await browser.post(client, "/referrals/new", form).body)
            #expect(preview.contains("id=\"next-match-of\""))
            #expect(preview.contains("name=\"previous_referral_id\" value=\"\(referral.id)\""))
            let sent = try await browser.post(client, "/referrals/new", form + [("action", "send"), ("request_key", "k-1")])
            #expect(sent.status == .seeOther)
            let location = try #require(sent.headers[.location])
            let nextID = String(location.dropFirst("/referrals/".count))
            #expect(try await store.referral(id: nextID, context: AuditContext(actor: "test")).previousReferralID == referral.id)
            let linked = String(buffer: try await browser.get(client, "/referrals/\(referral.id)").body)
            #expect(linked.contains("id=\"next-referral\" href=\"/referrals/\(nextID)\""))
            #expect(!linked.contains("id=\"next-matches\""), "referred again: no next step left")
            let second = String(buffer: try await browser.get(client, "/referrals/\(nextID)").body)
            #expect(second.contains("id=\"previous-referral\" href=\"/referrals/\(referral.id)\""))
        }
    }

    @Test func aDueFollowUpIsListedAndRecordedFromTheReferralPage() async throws {
        let site = try await WebPageTests.Site.make()
        let store = site.rig.store
        let service = try #require(try await store.storedServices().first)
        let started = Date().addingTimeInterval(-31 * 86_400)
        let referral = try await Self.refer(store, to: service, ref: "P-77", at: started)
        let agency = AuditContext(actor: "partner:x", now: started)
        for status in [ReferralStatus.accepted, .inProgress] {
            _ = try await store.changeStatus(StatusChangeRequest(referralID: referral.id, status: status, party: .agency), context: agency)
        }
        _ = try await store.changeStatus(StatusChangeRequest(referralID: referral.id, status: .completed, party: .agency,
                                                             outcome: ReferralOutcome(code: .serviceStarted)), context: agency)
        try await site.test { client in
            var browser = Browser()
            _ = try await browser.signIn(client, as: "cw-1")
            let tracker = String(buffer: try await browser.get(client, "/referrals").body)
            #expect(tracker.contains("id=\"follow-ups-due\""))
            #expect(tracker.contains("<li data-referral-id=\"\(referral.id)\">"))
            let page = try await browser.get(client, "/referrals/\(referral.id)")
            #expect(String(buffer: page.body).contains("id=\"follow-up-form\""))
            let csrf = try #require(WebPageTests.hidden("csrf", in: page))
            let done = try await browser.post(client, "/referrals/\(referral.id)/follow-up", [("csrf", csrf), ("note", "going every week")])
            #expect(done.status == .seeOther)
            #expect(try await store.referral(id: referral.id, context: AuditContext(actor: "test")).followUpDoneAt != nil)
            let after = String(buffer: try await browser.get(client, "/referrals/\(referral.id)").body)
            #expect(after.contains("id=\"follow-up-done\""))
            #expect(!String(buffer: try await browser.get(client, "/referrals").body).contains("id=\"follow-ups-due\""))
            let twice = String(buffer: try await browser.post(client, "/referrals/\(referral.id)/follow-up", [("csrf", csrf)]).body)
            #expect(twice.contains("had its follow-up recorded already"))

            var supervisor = Browser()
            _ = try await supervisor.signIn(client, as: "sup-1")
            let dashboard = String(buffer: try await supervisor.get(client, "/dashboard").body)
            #expect(dashboard.contains("id=\"outcomes-by-agency\"") && dashboard.contains("id=\"outcomes-by-need-domain\""))
            #expect(dashboard.contains("<th scope=\"col\">Service started</th>"))
        }
    }
}
