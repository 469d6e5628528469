import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
import TrellisDelivery
import TrellisServer
import TrellisStore
import TrellisTestSupport

/// Consent revocation and messages on a referral through the real application: who may, what is refused
/// and how, and partners' signed messages in JSON and FHIR.
@Suite(.serialized) struct ReferralMessageRouteTests {
    typealias F = APIFixture

    /// A referral by ORG-A's case worker to ORG-42, delivered for real to a partner on 127.0.0.1 (or not).
    static func referral(_ fixture: F, categories: Set<Consent.Category> = [.contact, .needs], delivered: Bool = true,
                         to organization: String = "ORG-42") async throws -> Referral {
        var profile = DeliveryFixtures.profile
        profile.person.ref = "P-\(UUID().uuidString.prefix(8))"
        let consent = Consent(recipient: organization, categories: categories, method: .verbal, capturedBy: "cw-a", capturedAt: Date().addingTimeInterval(-60))
        let referral = try await fixture.store.createReferral(
            NewReferral(profile: profile, serviceID: "svc-\(organization)", consent: consent, referrerOrganizationID: "ORG-A"),
            context: AuditContext(actor: "cw-a"))
        if delivered {
            let partner = RecordingPartner()
            let server = try await LoopbackServer.start(partner.router)
            defer { server.stop() }
            let worker = try fixture.rig.worker([DeliveryRig.partner(organization == "ORG-42" ? "p42" : "rig-\(organization)", endpoint: server.url("/in"),
                                                                    organizations: [organization])])
            _ = try await worker.drain(maxWait: 5)
            #expect(try await fixture.store.outboxEntry(referralID: referral.id)?.state == .delivered)
        }
        return referral
    }

    static func message(_ text: String, personal: Bool = false) -> ByteBuffer {
        let body = try! JSONSerialization.data(withJSONObject: ["text": text, "contains_personal_information": personal])
        return ByteBuffer(bytes: body)
    }

    static func code(_ response: TestResponse) -> String? {
        ((try? F.json(response))?["error"] as? [String: Any])?["code"] as? String
    }

    @Test func theReferringCaseWorkerRevokesConsentAndNobodyElseMay() async throws {
        let fixture = try await F.make()
        // Delivered first: the worker that delivers it sends everything waiting.
        let delivered = try await Self.referral(fixture)
        let waiting = try await Self.referral(fixture, delivered: false)
        try await fixture.test { client in
            for caller in [F.Caller.caseworkerB, .supervisorB, .agency42, .partner42] {
                let refused = try await client.execute(uri: "/v1/referrals/\(waiting.id)/consent/revoke", method: .post, headers: fixture.headers(caller))
                #expect(refused.status == .notFound, "\(caller)")
            }
            let revoked = try await client.execute(uri: "/v1/referrals/\(waiting.id)/consent/revoke", method: .post, headers: fixture.headers(.caseworkerA))
            #expect(revoked.status == .ok, "\(String(buffer: revoked.body))")
            let body = try F.json(revoked)
            #expect(body["cancelled"] as? [String] == [waiting.id])
            #expect(body["partner_messages"] as? [String] == [])
            #expect(body["reason"] as? String == "revoked")
            let consent = try #require(body["consent"] as? [String: Any])
            #expect(consent["revoked_at"] as? String == body["revoked_at"] as? String)
            let again = try await client.execute(uri: "/v1/referrals/\(waiting.id)/consent/revoke", method: .post, headers: fixture.headers(.caseworkerA))
            #expect(again.status == .conflict && Self.code(again) == "already_revoked")

            let told = try F.json(try await client.execute(uri: "/v1/referrals/\(delivered.id)/consent/revoke", method: .post, headers: fixture.headers(.admin)))
            #expect((told["partner_messages"] as? [String])?.count == 1)
            #expect(told["already_delivered"] as? Bool == true && told["cancelled"] as? [String] == [])
            let denied = try await fixture.store.audit.records(after: 0, limit: 2_000).map(\.event)
                .filter { $0.entityID == waiting.id && $0.outcome == .denied }
            #expect(denied.count >= 4)
        }
    }

    @Test func theTwoPartiesAndAdministratorsWriteAndReadMessagesAndOthersSeeNothing() async throws {
        let fixture = try await F.make()
        let referral = try await Self.referral(fixture)
        try await fixture.test { client in
            let uri = "/v1/referrals/\(referral.id)/messages"
            let fromCaseWorker = try await client.execute(uri: uri, method: .post, headers: fixture.headers(.caseworkerA), body: Self.message("Is there a bed?"))
            #expect(fromCaseWorker.status == .created, "\(String(buffer: fromCaseWorker.body))")
            let first = try F.json(fromCaseWorker)
            #expect(first["from_party"] as? String == "referrer" && first["author"] as? String == "cw-a" && first["referral_id"] as? String == referral.id)
            #expect(first["contains_personal_information"] as? Bool == false && first["text"] as? String == "Is there a bed?")
            let fromAgency = try F.json(try await client.execute(uri: uri, method: .post, headers: fixture.headers(.agency42), body: Self.message("Yes, Tuesday")))
            #expect(fromAgency["from_party"] as? String == "agency" && fromAgency["author"] as? String == "agency-42")
            for caller in [F.Caller.caseworkerA, .supervisorA, .agency42, .admin] {
                let list = try F.json(try await client.execute(uri: uri, method: .get, headers: fixture.headers(caller)))
                #expect((list["messages"] as? [[String: Any]])?.compactMap { $0["text"] as? String } == ["Is there a bed?", "Yes, Tuesday"], "\(caller)")
            }
            for caller in [F.Caller.caseworkerB, .supervisorB, .partner42] {
                #expect(try await client.execute(uri: uri, method: .get, headers: fixture.headers(caller)).status == .notFound, "\(caller)")
                #expect(try await client.execute(uri: uri, method: .post, headers: fixture.headers(caller), body: Self.message("hi")).status == .notFound,
                        "\(caller)")
            }
            #expect(try await client.execute(uri: "/v1/referrals/ref-nope/messages", method: .get, headers: fixture.headers(.admin)).status == .notFound)
            // The case worker's message goes to the endpoint partner; the agency's own does not come back to it.
            #expect(try await fixture.store.partnerMessages(referralID: referral.id).map(\.kind) == [.message])
        }
    }

    @Test(arguments: [
        ("", false, 422, "text"),
        (" \u{0001}\u{0007} ", false, 422, "text"),
        (String(repeating: "é", count: 4_001), false, 422, "text"),
        ("Her diagnosis", true, 422, "contains_personal_information"),
    ])
    func aRefusedMessageNamesTheField(_ text: String, _ personal: Bool, _ status: Int, _ field: String) async throws {
        let fixture = try await F.make()
        let referral = try await Self.referral(fixture)
        try await fixture.test { client in
            let response = try await client.execute(uri: "/v1/referrals/\(referral.id)/messages", method: .post, headers: fixture.headers(.caseworkerA),
                                                    body: Self.message(text, personal: personal))
            #expect(Int(response.status.code) == status, "\(String(buffer: response.body))")
            #expect(try F.errorField(response) == field)
            let list = try F.json(try await client.execute(uri: "/v1/referrals/\(referral.id)/messages", method: .get, headers: fixture.headers(.caseworkerA)))
            #expect((list["messages"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func hostileBodiesAreRefusedByName() async throws {
        let fixture = try await F.make()
        let referral = try await Self.referral(fixture, categories: [.needs, .clinicalNotes])
        try await fixture.test { client in
            let uri = "/v1/referrals/\(referral.id)/messages"
            let huge = try await client.execute(uri: uri, method: .post, headers: fixture.headers(.caseworkerA),
                                                body: Self.message(String(repeating: "a", count: 40_000)))
            #expect(huge.status == .contentTooLarge && Self.code(huge) == "too_large")
            let unknown = try await client.execute(uri: uri, method: .post, headers: fixture.headers(.caseworkerA),
                                                   body: ByteBuffer(string: #"{"text": "hi", "urgent": true}"#))
            let unknownField = try F.errorField(unknown)
            #expect(unknown.status == .badRequest && unknownField == "urgent")
            // Control characters are removed, line breaks kept; personal information under clinical notes is taken.
            let cleaned = try F.json(try await client.execute(uri: uri, method: .post, headers: fixture.headers(.caseworkerA),
                                                              body: Self.message("Line one\u{0000}\u{001B}[31m\r\nLine two", personal: true)))
            #expect(cleaned["text"] as? String == "Line one[31m\nLine two")
            #expect(cleaned["contains_personal_information"] as? Bool == true)
        }
    }

    @Test func aMessageWaitsForDeliveryAndPersonalInformationEndsWithTheConsent() async throws {
        let fixture = try await F.make()
        let referral = try await Self.referral(fixture, categories: [.needs, .clinicalNotes])
        let waiting = try await Self.referral(fixture, delivered: false)
        try await fixture.test { client in
            let early = try await client.execute(uri: "/v1/referrals/\(waiting.id)/messages", method: .post, headers: fixture.headers(.caseworkerA),
                                                 body: Self.message("Hello"))
            let earlyField = try F.errorField(early)
            #expect(early.status == .unprocessableContent && earlyField == "referral")
            _ = try await client.execute(uri: "/v1/referrals/\(referral.id)/consent/revoke", method: .post, headers: fixture.headers(.caseworkerA))
            let personal = try await client.execute(uri: "/v1/referrals/\(referral.id)/messages", method: .post, headers: fixture.headers(.agency42),
                                                    body: Self.message("Her medication", personal: true))
            let personalField = try F.errorField(personal)
            #expect(personal.status == .unprocessableContent && personalField == "contains_personal_information")
            let administrative = try await client.execute(uri: "/v1/referrals/\(referral.id)/messages", method: .post, headers: fixture.headers(.agency42),
                                                          body: Self.message("We have closed our file"))
            #expect(administrative.status == .created)
        }
    }

    /// `headers` for `body` signed with `secret` as message `id`.
    static func signed(_ body: String, secret: String = DeliveryFixtures.secret, id: String = "msg_\(UUID().uuidString)",
                       contentType: String = "application/json") throws -> HTTPFields {
        var fields: HTTPFields = [.contentType: contentType]
        for (name, value) in StandardWebhooks.headers(id: id, timestamp: Date(), body: Data(body.utf8), secrets: [try WebhookSecret(secret)]) {
            fields[HTTPField.Name(name)!] = value
        }
        return fields
    }

    @Test func aPartnerWritesSignedInJSONAndFHIROnlyOnItsOwnReferrals() async throws {
        let fixture = try await F.make()
        let referral = try await Self.referral(fixture)
        let elsewhere = try await Self.referral(fixture, to: "ORG-7")
        try await fixture.test { client in
            let body = #"{"type": "message", "referral_id": "\#(referral.id)", "text": "We reached her", "contains_personal_information": false}"#
            let headers = try Self.signed(body, id: "msg_once")
            let taken = try await client.execute(uri: "/v1/partners/p42/messages", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(taken.status == .created, "\(String(buffer: taken.body))")
            let message = try F.json(taken)
            #expect(message["from_party"] as? String == "agency" && message["author"] as? String == "partner:p42")
            let replay = try await client.execute(uri: "/v1/partners/p42/messages", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(replay.status == .conflict && Self.code(replay) == "replay")
            let forged = try await client.execute(uri: "/v1/partners/p42/messages", method: .post,
                                                  headers: try Self.signed(body, secret: "whsec_" + Data(repeating: 9, count: 32).base64EncodedString()),
                                                  body: ByteBuffer(string: body))
            #expect(forged.status == .unauthorized && Self.code(forged) == "bad_signature")
            let other = #"{"referral_id": "\#(elsewhere.id)", "text": "Not ours"}"#
            let notOurs = try await client.execute(uri: "/v1/partners/p42/messages", method: .post, headers: try Self.signed(other),
                                                   body: ByteBuffer(string: other))
            #expect(notOurs.status == .notFound)

            let communication = """
                {"resourceType": "Communication", "status": "completed", "partOf": [{"reference": "Task/\(referral.id)"}],
                 "payload": [{"contentString": "She starts Monday"}]}
                """
            let fhir = try await client.execute(uri: "/fhir/Communication", method: .post,
                                                headers: try Self.signed(communication, contentType: "application/fhir+json"),
                                                body: ByteBuffer(string: communication))
            #expect(fhir.status == .created, "\(String(buffer: fhir.body))")
            let unsigned = try await client.execute(uri: "/fhir/Communication", method: .post, headers: [.contentType: "application/fhir+json"],
                                                    body: ByteBuffer(string: communication))
            #expect(unsigned.status == .unauthorized)
            let list = try F.json(try await client.execute(uri: "/v1/referrals/\(referral.id)/messages", method: .get, headers: fixture.headers(.caseworkerA)))
            #expect((list["messages"] as? [[String: Any]])?.compactMap { $0["text"] as? String } == ["We reached her", "She starts Monday"])
        }
    }

    @Test func aPartnerTokenWritesAsItsOwnPartnerOnlyWithAKeyThatCountsOnce() async throws {
        let fixture = try await F.make()
        let referral = try await Self.referral(fixture)
        try await fixture.test { client in
            let body = ByteBuffer(string: #"{"referral_id": "\#(referral.id)", "text": "Intake booked"}"#)
            var headers = fixture.headers(.partner42)
            headers[HTTPField.Name("Idempotency-Key")!] = "key-1"
            let taken = try await client.execute(uri: "/v1/partners/p42/messages", method: .post, headers: headers, body: body)
            #expect(taken.status == .created, "\(String(buffer: taken.body))")
            #expect(try F.json(taken)["author"] as? String == "partner:p42")
            let again = try await client.execute(uri: "/v1/partners/p42/messages", method: .post, headers: headers, body: body)
            #expect(again.status == .conflict && Self.code(again) == "replay")
            let asAnother = try await client.execute(uri: "/v1/partners/rig-ORG-7/messages", method: .post, headers: headers, body: body)
            #expect(asAnother.status == .forbidden)
            let caseWorker = try await client.execute(uri: "/v1/partners/p42/messages", method: .post, headers: fixture.headers(.caseworkerA), body: body)
            #expect(caseWorker.status == .forbidden)
        }
    }
}
