import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
@testable import TrellisServer
import TrellisStore
import TrellisTestSupport

/// An agency without a system of its own, through the real application: its user signs in to the
/// inbox, sees exactly what the consent allows, answers, and never sees another agency's referrals.
@Suite struct InboxPageTests {
    typealias Browser = WebPageTests.Browser

    /// A site whose first directory organization answers in the inbox, with an agency user for it and a
    /// referral sent to it under consent for contact and needs (not demographics).
    static func site() async throws -> (site: WebPageTests.Site, referral: Referral, other: Referral) {
        let site = try await WebPageTests.Site.make()
        let store = site.rig.store
        let services = try await store.storedServices()
        let ours = try #require(services.first)
        let theirs = try #require(services.first { $0.organizationID != ours.organizationID })
        let setup = AuditContext(actor: "admin-1", purpose: "operations")
        try await store.savePartner(Partner(id: "inbox-agency", organizations: [ours.organizationID], endpoint: nil), context: setup)
        try await store.addUser(UserAccount(id: "desk-1", name: "Intake desk", role: .agency, organizationID: ours.organizationID,
                                            organizations: [ours.organizationID], createdAt: Date()),
                                passwordHash: WebPageTests.Site.passwordHash, context: setup)
        func refer(_ service: Service) async throws -> Referral {
            let consent = Consent(recipient: service.organizationID, categories: [.contact, .needs], method: .verbal, capturedBy: "cw-1",
                                  capturedAt: Date().addingTimeInterval(-60))
            return try await store.createReferral(NewReferral(profile: DeliveryFixtures.profile, serviceID: service.id, consent: consent,
                                                              referrerOrganizationID: "ORG-CW"), context: AuditContext(actor: "cw-1"))
        }
        return (site, try await refer(ours), try await refer(theirs))
    }

    @Test func anAgencyUserSeesExactlyWhatTheConsentAllowsAndAnswers() async throws {
        let (site, referral, other) = try await Self.site()
        let store = site.rig.store
        try await site.test { client in
            var desk = Browser()
            #expect(try await desk.signIn(client, as: "desk-1").headers[.location] == "/inbox")
            let inbox = String(buffer: try await desk.get(client, "/inbox").body)
            #expect(inbox.contains("data-referral-id=\"\(referral.id)\""))
            #expect(inbox.contains("<span class=\"badge new\">new</span>"))
            #expect(!inbox.contains("data-referral-id=\"\(other.id)\""), "another agency's referral is not in this inbox")

            let before = try #require(try await store.audit.head()).event.sequence
            let page = try await desk.get(client, "/inbox/\(referral.id)")
            let html = String(buffer: page.body)
            #expect(page.status == .ok)
            #expect(html.contains("Maria Quintero-Vasquez"), "contact details were consented")
            #expect(html.contains("id=\"needs\""), "needs were consented")
            #expect(!html.contains("id=\"demographics\""), "demographics were not consented")
            #expect(!html.contains("Omaha"), "nor the city")
            let disclosures = try await store.audit.records(after: before, limit: 100).map(\.event)
                .filter { $0.action == .execute && $0.entityID == referral.id && $0.actor == "desk-1" }
            #expect(disclosures.count == 1)
            #expect(disclosures.first?.detail?.hasSuffix("disclosed contact,needs") == true)
            _ = try await desk.get(client, "/inbox/\(referral.id)")
            let again = try await store.audit.records(after: before, limit: 100).map(\.event)
                .filter { $0.action == .execute && $0.entityID == referral.id && $0.actor == "desk-1" }
            #expect(again.count == 1, "the disclosure is audited once per user")

            #expect(try await desk.get(client, "/inbox/\(other.id)").status == .notFound)
            #expect(try await desk.get(client, "/referrals/new").status != .ok)
            #expect(try await desk.get(client, "/admin").status == .forbidden)

            let csrf = try #require(WebPageTests.hidden("csrf", in: page))
            let version = try #require(WebPageTests.hidden("version", in: page))
            let refused = try await desk.post(client, "/inbox/\(referral.id)/answer", [("csrf", csrf), ("version", version), ("status", "rejected")])
            #expect(String(buffer: refused.body).contains("say why the referral is turned down"))
            let accepted = try await desk.post(client, "/inbox/\(referral.id)/answer", [("csrf", csrf), ("version", version), ("status", "accepted")])
            #expect(accepted.status == .seeOther)
            #expect(try await store.referral(id: referral.id, context: AuditContext(actor: "test")).status == .accepted)
            _ = try await desk.post(client, "/inbox/\(referral.id)/answer", [("csrf", csrf), ("status", "in-progress")])
            let done = try await desk.post(client, "/inbox/\(referral.id)/answer",
                                           [("csrf", csrf), ("status", "completed"), ("outcome", "service_started"), ("text", "moved in")])
            #expect(done.status == .seeOther)
            let final = try await store.referral(id: referral.id, context: AuditContext(actor: "test"))
            #expect(final.status == .completed)
            #expect(final.history?.last?.reason == "Service started: moved in")
            #expect(final.history?.last?.party == .agency)
            // Another agency's referral cannot be answered either: "not found", not a lifecycle refusal.
            let foreign = try await desk.post(client, "/inbox/\(other.id)/answer", [("csrf", csrf), ("status", "accepted")])
            #expect(foreign.status == .notFound)
        }
    }

    @Test func aReferralToAnOrganizationNobodyReceivesForIsRefusedBeforeSending() async throws {
        let site = try await WebPageTests.Site.make()
        let store = site.rig.store
        let service = try #require(try await store.storedServices().first)
        let setup = AuditContext(actor: "admin-1", purpose: "operations")
        for partner in try await store.partners() { _ = try await store.removePartner(id: partner.id, context: setup) }
        try await site.test { client in
            var caseworker = Browser()
            _ = try await caseworker.signIn(client, as: "cw-1")
            let csrf = try #require(WebPageTests.hidden("csrf", in: try await caseworker.get(client, "/")))
            let profile = try ProfileForm.carried(DeliveryFixtures.profile)
            let form = [("csrf", csrf), ("profile", profile), ("service_id", service.id), ("category", "needs"), ("method", "verbal")]
            let page = String(buffer: try await caseworker.post(client, "/referrals/new", form).body)
            #expect(page.contains("id=\"no-recipient\""))
            #expect(!page.contains("id=\"send-button\""))
            #expect(!page.contains("will wait"))
            let sent = try await caseworker.post(client, "/referrals/new", form + [("action", "send")])
            #expect(sent.status == .unprocessableContent)
            #expect(String(buffer: sent.body).contains(service.organizationID))
            #expect(try await store.referrals(ReferralFilter(), context: setup).isEmpty)
        }
    }

    @Test func anAdministratorAddsAnAgencyUserForTwoOrganizations() async throws {
        let site = try await WebPageTests.Site.make()
        try await site.test { client in
            var admin = Browser()
            _ = try await admin.signIn(client, as: "admin-1")
            let csrf = try #require(WebPageTests.hidden("csrf", in: try await admin.get(client, "/admin")))
            let added = try await admin.post(client, "/admin/users", [("csrf", csrf), ("id", "ag-2"), ("name", "Harbor intake"), ("role", "agency"),
                                                                     ("organizations", "ORG-1, ORG-2"), ("notify_email", "intake@harbor.example.org"),
                                                                     ("password", WebPageTests.password)])
            #expect(added.status == .ok)
            let user = try #require(try await site.rig.store.user(id: "ag-2"))
            #expect(user.role == .agency && user.organizations == ["ORG-1", "ORG-2"] && user.notifyEmail == "intake@harbor.example.org")
            let twice = try await admin.post(client, "/admin/users", [("csrf", csrf), ("id", "cw-9"), ("name", "Two places"), ("role", "caseworker"),
                                                                     ("organizations", "ORG-1, ORG-2"), ("password", WebPageTests.password)])
            #expect(twice.status == .badRequest)
            #expect(try await site.rig.store.user(id: "cw-9") == nil)
        }
    }
}
