import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
@testable import TrellisServer
import TrellisStore
import TrellisTestSupport

/// The person's receipt through the real application: `GET /v1/referrals/{id}/receipt` for whoever may
/// read the referral (another organization's, or an id that does not exist, is not found), and the
/// printable page.
@Suite struct ReceiptRouteTests {
    typealias F = APIFixture

    @Test func aReceiptIsGivenToWhoeverMayReadTheReferralAndToNobodyElse() async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let created = try await client.execute(uri: "/v1/referrals", method: .post, headers: fixture.headers(.caseworkerA), body: try F.referralBody())
            let id = try #require(try F.json(created)["id"] as? String)
            let response = try await client.execute(uri: "/v1/referrals/\(id)/receipt", method: .get, headers: fixture.headers(.caseworkerA))
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let receipt = try JSONDecoder().decode(ReferralReceipt.self, from: Data(buffer: response.body))
            #expect(receipt.referralID == id && receipt.sharedWith.organizationID == "ORG-42" && receipt.sharedWith.organizationName == "Agency ORG-42")
            #expect(receipt.consent.categories == ["contact", "needs"] && receipt.consent.capturedBy == "cw-a")
            #expect(receipt.deliveries.isEmpty && receipt.shared.isEmpty, "nothing has left yet")
            #expect(receipt.revoke.route == "/v1/referrals/\(id)/consent/revoke")
            let body = String(buffer: response.body)
            let saved = fixture.rig.folder.appendingPathComponent("receipt.json")
            try Data(buffer: response.body).write(to: saved)
            let schema = DeliveryFixtures.repository.appendingPathComponent("schemas/receipt.schema.json").path
            let valid = try DeliveryFixtures.validate("validate_json_schema.py", [schema, saved.path])
            #expect(valid.status == 0, "the receipt follows schemas/receipt.schema.json: \(valid.output)")
            for value in ["Maria", "555-0199", "maria.q@example.org", "prefers mornings", "P-1042"] { #expect(!body.contains(value)) }
            for caller in [F.Caller.supervisorA, .admin, .partner42] {
                let allowed = try await client.execute(uri: "/v1/referrals/\(id)/receipt", method: .get, headers: fixture.headers(caller))
                #expect(allowed.status == .ok, "\(caller)")
            }
            for caller in [F.Caller.caseworkerB, .supervisorB] {
                let refused = try await client.execute(uri: "/v1/referrals/\(id)/receipt", method: .get, headers: fixture.headers(caller))
                #expect(refused.status == .notFound, "\(caller): another organization's referral is not found")
            }
            let bogus = try await client.execute(uri: "/v1/referrals/ref-does-not-exist/receipt", method: .get, headers: fixture.headers(.caseworkerA))
            #expect(bogus.status == .notFound)
            let anonymous = try await client.execute(uri: "/v1/referrals/\(id)/receipt", method: .get, headers: fixture.headers(nil))
            #expect(anonymous.status == .unauthorized)
            let refusals = try await fixture.store.audit.records(after: 0, limit: 10_000).map(\.event)
                .filter { $0.entityID == id && $0.outcome == .denied && $0.detail?.hasPrefix("receipt refused") == true }
            #expect(refusals.count == 2, "each refusal is on the record")
        }
    }

    @Test func theReceiptPagePrintsInPlainWords() async throws {
        let site = try await WebPageTests.Site.make()
        try await site.test { client in
            var browser = WebPageTests.Browser()
            _ = try await browser.signIn(client, as: "cw-1")
            let csrf = try #require(WebPageTests.hidden("csrf", in: try await browser.get(client, "/")))
            let matches = try await browser.post(client, "/matches", [("csrf", csrf), ("person_ref", "P-77"), ("postal_code", "68102"), ("need", "housing"),
                                                                     ("name", "Rosa Delgado")])
            let carried = try #require(WebPageTests.hidden("profile", in: matches)).replacingOccurrences(of: "&quot;", with: "\"")
            let service = try #require(WebPageTests.hidden("service_id", in: matches))
            let sent = try await browser.post(client, "/referrals/new", [("csrf", csrf), ("profile", carried), ("service_id", service),
                                                                         ("category", "needs"), ("method", "written"), ("action", "send")])
            let location = try #require(sent.headers[.location])
            let referralPage = String(buffer: try await browser.get(client, location).body)
            #expect(referralPage.contains("href=\"\(location)/receipt\""))
            let page = try await browser.get(client, location + "/receipt")
            let html = String(buffer: page.body)
            #expect(page.status == .ok, "\(html.prefix(400))")
            #expect(html.contains("Your receipt: what was shared about you"))
            #expect(html.contains("<li>What you need help with</li>"))
            #expect(html.contains("You agreed <strong>in writing</strong>"))
            #expect(html.contains("/static/receipt.css"))
            #expect(!html.contains("Rosa"), "a name the consent did not cover is not on the receipt")
            let other = try await browser.get(client, "/referrals/ref-does-not-exist/receipt")
            #expect(other.status == .notFound)
        }
    }

    @Test(arguments: [
        (#"[{"name": "Ann", "relation": "peer_mentor", "email": "ann@example.org", "consent_to_updates": true}]"#, Int32(0)),
        (#"[{"name": "Ann", "relation": "peer_mentor", "consent_to_updates": true}]"#, Int32(1)),
        (#"[{"name": "Ann", "relation": "aunt", "consent_to_updates": false}]"#, Int32(1)),
    ])
    func theNeedsProfileSchemaDescribesSupportersAsTheDecoderReadsThem(_ supporters: String, _ expected: Int32) throws {
        let json = #"{"person": {"ref": "P-1"}, "needs": [{"domain": "housing"}], "supporters": "# + supporters + "}"
        let decodes = (try? JSONDecoder().decode(NeedsProfile.self, from: Data(json.utf8))) != nil
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("profile-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let schema = DeliveryFixtures.repository.appendingPathComponent("schemas/needs-profile.schema.json").path
        let result = try DeliveryFixtures.validate("validate_json_schema.py", [schema, file.path])
        #expect(result.status == expected, "\(result.output)")
        #expect(decodes == (expected == 0), "the schema and the decoder agree")
    }
}
