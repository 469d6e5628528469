import Foundation
import Testing
import TrellisCore
import TrellisDelivery
import TrellisPartnerSimulator
import TrellisStore
import TrellisTestSupport

/// The outbound partner message queue sent by the real worker to a real partner on 127.0.0.1 that
/// verifies every signature: a case worker's message and the consent's revocation, as JSON and as FHIR.
@Suite(.serialized) struct PartnerMessageDeliveryTests {
    static let caseWorker = AuditContext(actor: "cw-7", purpose: "treatment")

    @Test func aJSONPartnerHearsTheCaseWorkersMessageAndTheRevocationSigned() async throws {
        let rig = try await DeliveryRig.make()
        defer { Task { await rig.close() } }
        let partner = RecordingPartner()
        let server = try await LoopbackServer.start(partner.router)
        defer { server.stop() }
        var harbor = DeliveryRig.partner("harbor", endpoint: server.url("/in"))
        harbor.format = .json
        let worker = try rig.worker([harbor])
        let referral = try #require(try await rig.refer(categories: [.contact, .needs, .clinicalNotes]).first)
        #expect(try await worker.drain(maxWait: 5).delivered == 1)

        let message = try await rig.store.postMessage(NewReferralMessage(referralID: referral.id, fromParty: .referrer,
                                                                         text: "She can start Monday", containsPersonalInformation: true),
                                                      context: Self.caseWorker)
        let revocation = try await rig.store.revokeConsent(referralID: referral.id, context: Self.caseWorker)
        #expect(revocation.partnerMessages.count == 1)
        let tally = try await worker.drainPartnerMessages(maxWait: 5)
        // Revoked before it left: the message with personal information is not sent; the revocation is.
        #expect(tally.delivered == 1 && tally.cancelled == 1)
        #expect(partner.badSignatures.withLock { $0 } == 0)
        let bodies = partner.all.map(\.json)
        #expect(bodies.count == 2)
        let revoked = try #require(bodies.last)
        #expect(revoked["type"] as? String == "consent.revoked")
        #expect(revoked["referral_id"] as? String == referral.id && revoked["consent_id"] as? String == revocation.consentID)
        #expect(revoked["revoked_at"] as? String == revocation.revokedAt.formatted(.iso8601))
        #expect(revoked["reason"] as? String == "revoked")
        let entries = try await rig.store.partnerMessages(referralID: referral.id)
        // Queued within the same millisecond, perhaps: compared by kind, not order.
        #expect(Dictionary(uniqueKeysWithValues: entries.map { ($0.kind, $0.state) }) == [.message: .cancelled, .consentRevoked: .delivered])

        // A message without personal information still goes once consent is revoked.
        let plain = try await rig.store.postMessage(NewReferralMessage(referralID: referral.id, fromParty: .referrer,
                                                                       text: "Please close your file", containsPersonalInformation: false),
                                                    context: Self.caseWorker)
        #expect(try await worker.drainPartnerMessages(maxWait: 5).delivered == 1)
        let sent = try #require(partner.all.last?.json)
        #expect(sent["type"] as? String == "message" && sent["id"] as? String == plain.id && sent["text"] as? String == "Please close your file")
        #expect(sent["from_party"] as? String == "referrer" && sent["contains_personal_information"] as? Bool == false)
        #expect(message.id != plain.id)
        let audit = try await rig.store.audit.records(after: 0, limit: 2_000).map(\.event)
        #expect(audit.filter { $0.entityID == referral.id && ($0.detail ?? "").hasPrefix("partner message") && $0.outcome == .success }.count == 2)
    }

    @Test func aFHIRPartnerIsSentTheSameConsentInactiveAfterARetry() async throws {
        let rig = try await DeliveryRig.make()
        defer { Task { await rig.close() } }
        let partner = RecordingPartner(failFirst: 0)
        let server = try await LoopbackServer.start(partner.router)
        defer { server.stop() }
        let worker = try rig.worker([DeliveryRig.partner("harbor", endpoint: server.url("/in"))])
        let referral = try #require(try await rig.refer().first)
        #expect(try await worker.drain(maxWait: 5).delivered == 1)
        let bundle = try #require(partner.all.first?.json)
        let consentEntry = try #require((bundle["entry"] as? [[String: Any]])?.first { ($0["resource"] as? [String: Any])?["resourceType"] as? String == "Consent" })

        let flaky = RecordingPartner(failFirst: 1)
        let flakyServer = try await LoopbackServer.start(flaky.router)
        defer { flakyServer.stop() }
        let retrying = try rig.worker([DeliveryRig.partner("harbor", endpoint: flakyServer.url("/in"))])
        let revocation = try await rig.store.revokeConsent(referralID: referral.id, context: Self.caseWorker)
        let tally = try await retrying.drainPartnerMessages(maxWait: 5)
        #expect(tally.delivered == 1 && tally.retrying == 1)
        let received = try #require(flaky.all.first)
        #expect(received.contentType == "application/fhir+json")
        let consent = received.json
        #expect(consent["resourceType"] as? String == "Consent" && consent["status"] as? String == "inactive")
        #expect("urn:uuid:\(consent["id"] as? String ?? "")" == consentEntry["fullUrl"] as? String)
        #expect((consent["identifier"] as? [[String: Any]])?.first?["value"] as? String == revocation.consentID)
        let entry = try #require(try await rig.store.partnerMessages(referralID: referral.id).first)
        #expect(entry.state == .delivered && entry.attempts == 2)
    }

    @Test func thePartnerSimulatorTakesTheRevocationAndTheMessageWithoutTakingThemForReferrals() async throws {
        let rig = try await DeliveryRig.make()
        defer { Task { await rig.close() } }
        let (simulator, server) = try await DeliveryWorkerTests.simulator()
        defer { server.stop() }
        let worker = try rig.worker([DeliveryRig.partner("harbor", endpoint: server.url("/referrals"))])
        let referral = try #require(try await rig.refer().first)
        #expect(try await worker.drain(maxWait: 5).delivered == 1)
        _ = try await rig.store.postMessage(NewReferralMessage(referralID: referral.id, fromParty: .referrer, text: "Any news?",
                                                               containsPersonalInformation: false), context: Self.caseWorker)
        _ = try await rig.store.revokeConsent(referralID: referral.id, context: Self.caseWorker)
        #expect(try await worker.drainPartnerMessages(maxWait: 5).delivered == 2)
        let counts = simulator.ledger.counts
        #expect(counts.partnerMessages == 2 && counts.received == 1 && counts.badSignatures == 0)
    }

    /// Checked by fhir.resources, an independent FHIR R4 validator.
    @Test func theInactiveConsentAndTheCommunicationAreValidFHIR() throws {
        let referral = Referral(id: "ref-0123456789abcdef01234567", status: .accepted, serviceID: "svc-ORG-42", organizationID: "ORG-42",
                                personRef: "P-1042", consentID: "con-1", needDomains: [.housing], createdAt: Date(timeIntervalSince1970: 1_796_000_000),
                                createdBy: "cw-7", updatedAt: Date(timeIntervalSince1970: 1_796_000_000))
        let consent = Consent(recipient: "ORG-42", categories: [.contact, .needs], method: .verbal, capturedBy: "cw-7",
                              capturedAt: Date(timeIntervalSince1970: 1_795_000_000), revokedAt: Date(timeIntervalSince1970: 1_796_100_000))
        let claim = PartnerOutboundClaim(id: "pmsg-1", kind: .consentRevoked, referral: referral, consent: StoredConsent(id: "con-1", consent: consent),
                                         reason: "revoked", message: nil, idempotencyKey: "k", attempts: 0, enqueuedAt: Date(timeIntervalSince1970: 1_796_100_000))
        let message = ReferralMessage(id: "msg-1", referralID: referral.id, fromParty: .referrer, author: "cw-7", text: "She can start Monday",
                                      createdAt: Date(timeIntervalSince1970: 1_796_050_000), containsPersonalInformation: false)
        let lines = [PartnerMessagePayload.inactiveConsent(claim), PartnerMessagePayload.communication(message, organizationID: "ORG-42")]
            .map { String(decoding: try! JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
            .joined(separator: "\n")
        let path = try DeliveryFixtures.temporaryFile(Data(lines.utf8), suffix: ".jsonl")
        let result = try DeliveryFixtures.validate("validate_fhir.py", [path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.split(separator: "\n").last == "valid 2", "\(result.output)")
        let communication = PartnerMessagePayload.communication(message, organizationID: "ORG-42")
        #expect(communication["status"] as? String == "completed")
        #expect((communication["payload"] as? [[String: Any]])?.first?["contentString"] as? String == "She can start Monday")
    }

    /// Checked against schemas/ by the independent Python jsonschema.
    @Test func theJSONMessagesMatchTheirSchemas() throws {
        let referral = Referral(id: "ref-1", status: .accepted, serviceID: "svc-ORG-42", organizationID: "ORG-42", personRef: "P-1042",
                                consentID: "con-1", needDomains: [.housing], createdAt: Date(timeIntervalSince1970: 1_796_000_000), createdBy: "cw-7",
                                updatedAt: Date(timeIntervalSince1970: 1_796_000_000))
        let consent = Consent(recipient: "ORG-42", categories: [.needs], method: .written, capturedBy: "cw-7",
                              capturedAt: Date(timeIntervalSince1970: 1_795_000_000), expiresAt: Date(timeIntervalSince1970: 1_796_200_000))
        let claim = PartnerOutboundClaim(id: "pmsg-1", kind: .consentRevoked, referral: referral, consent: StoredConsent(id: "con-1", consent: consent),
                                         reason: "expired", message: nil, idempotencyKey: "k", attempts: 0, enqueuedAt: Date(timeIntervalSince1970: 1_796_200_000))
        let message = ReferralMessage(id: "msg-1", referralID: "ref-1", fromParty: .referrer, author: "cw-7", text: "Line one\nLine two",
                                      createdAt: Date(timeIntervalSince1970: 1_796_050_000), containsPersonalInformation: true)
        for (schema, document) in [("consent-revoked", PartnerMessagePayload.consentRevoked(claim)), ("message", PartnerMessagePayload.messageDocument(message))] {
            let path = try DeliveryFixtures.temporaryFile(try JSONSerialization.data(withJSONObject: document))
            let result = try DeliveryFixtures.validate("validate_json_schema.py",
                                                       [DeliveryFixtures.repository.appendingPathComponent("schemas/\(schema).schema.json").path, path])
            #expect(result.status == 0, "\(schema): \(result.output)")
        }
        #expect(PartnerMessagePayload.consentRevoked(claim)["revoked_at"] as? String == "2026-12-02T08:26:40Z")
    }
}
