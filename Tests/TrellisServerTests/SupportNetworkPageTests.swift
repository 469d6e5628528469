import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
@testable import TrellisServer
import TrellisStore
import TrellisTestSupport

/// The support network on the pages: the profile form's supporters reach the sealed profile, a bad
/// one is refused naming its field, and a crisis suggests a peer specialist with a way to peer-support matches.
@Suite struct SupportNetworkPageTests {
    typealias Site = WebPageTests.Site
    typealias Browser = WebPageTests.Browser

    @Test func supportersTypedInTheFormTravelSealedWithTheReferral() async throws {
        let site = try await Site.make()
        try await site.test { client in
            var browser = Browser()
            _ = try await browser.signIn(client, as: "cw-1")
            let form = try await browser.get(client, "/")
            #expect(String(buffer: form.body).contains("name=\"supporter_name_5\""), "five rows")
            let csrf = try #require(WebPageTests.hidden("csrf", in: form))
            let matches = try await browser.post(client, "/matches", [
                ("csrf", csrf), ("person_ref", "P-78"), ("postal_code", "68102"), ("need", "housing"), ("urgency", "soon"),
                ("supporter_name_1", "Grace Obi"), ("supporter_relation_1", "faith_contact"), ("supporter_email_1", "grace.obi@example.org"),
                ("supporter_updates_1", "yes"), ("supporter_name_2", "Tom Obi"), ("supporter_relation_2", "family_member"), ("supporter_phone_2", "402-555-0101"),
            ])
            #expect(matches.status == .ok)
            let carried = try #require(WebPageTests.hidden("profile", in: matches)).replacingOccurrences(of: "&quot;", with: "\"")
            let service = try #require(WebPageTests.hidden("service_id", in: matches))
            let sent = try await browser.post(client, "/referrals/new", [("csrf", csrf), ("profile", carried), ("service_id", service),
                                                                         ("category", "needs"), ("method", "verbal"), ("action", "send")])
            let id = try #require(sent.headers[.location]?.split(separator: "/").last.map(String.init))
            let person = try await site.rig.store.person(referralID: id, context: AuditContext(actor: "test"))
            #expect(person.profile.supporters == [
                Supporter(name: "Grace Obi", relation: .faithContact, email: "grace.obi@example.org", consentToUpdates: true),
                Supporter(name: "Tom Obi", relation: .familyMember, phone: "402-555-0101", consentToUpdates: false),
            ])
        }
    }

    @Test(arguments: [
        ([("supporter_name_2", "Ann")], "supporters[0].relation"),
        ([("supporter_relation_1", "sponsor"), ("supporter_email_1", "ann@example.org")], "supporters[0].name"),
        ([("supporter_name_1", "Ann"), ("supporter_relation_1", "sponsor"), ("supporter_updates_1", "yes")], "supporters[0].consent_to_updates"),
        ([("supporter_name_1", "Ann"), ("supporter_relation_1", "uncle")], "supporters[0].relation"),
    ])
    func aBadSupporterRowIsRefusedNamingItsField(_ rows: [(String, String)], _ field: String) async throws {
        let site = try await Site.make()
        try await site.test { client in
            var browser = Browser()
            _ = try await browser.signIn(client, as: "cw-1")
            let csrf = try #require(WebPageTests.hidden("csrf", in: try await browser.get(client, "/")))
            let page = try await browser.post(client, "/matches", [("csrf", csrf), ("person_ref", "P-79"), ("need", "housing")] + rows)
            #expect(page.status == .badRequest)
            let html = String(buffer: page.body)
            #expect(html.contains("id=\"form-error\">\(field):"), "\(html.components(separatedBy: "form-error").dropFirst().first?.prefix(200) ?? "")")
        }
    }

    @Test func aCrisisSuggestsAPeerSpecialistUnlessTheNetworkHasAPeerMentor() async throws {
        let site = try await Site.make()
        try await site.test { client in
            var browser = Browser()
            _ = try await browser.signIn(client, as: "cw-1")
            let csrf = try #require(WebPageTests.hidden("csrf", in: try await browser.get(client, "/")))
            let crisis = [("csrf", csrf), ("person_ref", "P-80"), ("postal_code", "68102"), ("need", "housing"), ("urgency", "crisis")]
            let suggested = try await browser.post(client, "/matches", crisis)
            #expect(String(buffer: suggested.body).contains("id=\"peer-suggestion\""))
            let mentored = try await browser.post(client, "/matches", crisis + [("supporter_name_1", "Lee"), ("supporter_relation_1", "peer_mentor")])
            #expect(!String(buffer: mentored.body).contains("id=\"peer-suggestion\""), "a peer mentor is already there")
            let calm = try await browser.post(client, "/matches", [("csrf", csrf), ("person_ref", "P-81"), ("need", "housing"), ("urgency", "soon")])
            #expect(!String(buffer: calm.body).contains("id=\"peer-suggestion\""))
            // The suggestion's button ranks peer support for the same person.
            let carried = try #require(WebPageTests.hidden("profile", in: suggested)).replacingOccurrences(of: "&quot;", with: "\"")
            let peers = try await browser.post(client, "/matches/peer-support", [("csrf", csrf), ("profile", carried)])
            let html = String(buffer: peers.body)
            #expect(peers.status == .ok, "\(html.prefix(300))")
            #expect(html.contains("data-domain=\"peer_support\"") && !html.contains("data-domain=\"housing\""))
        }
    }

    @Test func aCrisisReferralsPageSuggestsAPeerSpecialistAndItsButtonRanksPeerSupport() async throws {
        let site = try await Site.make()
        try await site.test { client in
            var browser = Browser()
            _ = try await browser.signIn(client, as: "cw-1")
            let csrf = try #require(WebPageTests.hidden("csrf", in: try await browser.get(client, "/")))
            let matches = try await browser.post(client, "/matches", [("csrf", csrf), ("person_ref", "P-82"), ("postal_code", "68102"),
                                                                     ("need", "housing"), ("urgency", "crisis")])
            let carried = try #require(WebPageTests.hidden("profile", in: matches)).replacingOccurrences(of: "&quot;", with: "\"")
            let service = try #require(WebPageTests.hidden("service_id", in: matches))
            let sent = try await browser.post(client, "/referrals/new", [("csrf", csrf), ("profile", carried), ("service_id", service),
                                                                         ("category", "needs"), ("method", "verbal"), ("action", "send")])
            let location = try #require(sent.headers[.location])
            let id = try #require(location.split(separator: "/").last.map(String.init))
            let page = String(buffer: try await browser.get(client, location).body)
            #expect(page.contains("id=\"peer-suggestion\"") && page.contains("name=\"referral_id\" value=\"\(id)\""))
            let peers = try await browser.post(client, "/matches/peer-support", [("csrf", csrf), ("referral_id", id)])
            #expect(peers.status == .ok)
            #expect(String(buffer: peers.body).contains("data-domain=\"peer_support\""))
            // Another organization's referral is not found through the button either.
            let foreign = try await browser.post(client, "/matches/peer-support", [("csrf", csrf), ("referral_id", "ref-not-mine")])
            #expect(foreign.status == .notFound)
        }
    }
}
