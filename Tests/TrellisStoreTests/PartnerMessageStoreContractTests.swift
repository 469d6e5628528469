import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

private typealias H = StoreHarness

/// The outbound partner message queue, messages on referrals and the end of consent, on both backends.
@Suite struct PartnerMessageStoreContractTests {
    static let delivery = AuditContext(actor: "system:delivery", purpose: "treatment")

    /// A referral delivered to its endpoint partner, made at `now`.
    static func delivered(_ store: any TrellisStore, _ harness: StoreHarness, _ request: NewReferral = H.request(),
                          now: Date = Date()) async throws -> Referral {
        let referral = try await store.createReferral(request, context: H.caseWorker(now))
        try await harness.execute("UPDATE outbox SET state = 'delivered' WHERE referral_id = '\(referral.id)'")
        return referral
    }

    @Test(arguments: AuditBackend.allCases)
    func revokingADeliveredReferralQueuesOneConsentRevokedAndAnUndeliveredOneNone(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            let waiting = try await store.createReferral(H.request(H.ips), context: H.caseWorker())
            let early = try await store.revokeConsent(referralID: waiting.id, context: H.caseWorker())
            #expect(early.partnerMessages.isEmpty)
            #expect(try await store.partnerMessages(referralID: waiting.id).isEmpty)

            let referral = try await Self.delivered(store, harness)
            let revocation = try await store.revokeConsent(referralID: referral.id, context: H.caseWorker())
            #expect(revocation.partnerMessages.count == 1)
            #expect(revocation.reason == .revoked)
            let queued = try await store.partnerMessages(referralID: referral.id)
            #expect(queued.map(\.kind) == [.consentRevoked])
            #expect(queued.map(\.state) == [.pending])

            let claims = try await store.claimPartnerMessages(owner: "w1", now: Date(), lease: 60, limit: 10, skipping: [], context: Self.delivery)
            let claim = try #require(claims.first)
            #expect(claims.count == 1)
            #expect(claim.kind == .consentRevoked && claim.reason == "revoked" && claim.referral.id == referral.id)
            #expect(claim.consent.consent.revokedAt != nil)
            // Claimed: another worker finds nothing due.
            #expect(try await store.claimPartnerMessages(owner: "w2", now: Date(), lease: 60, limit: 10, skipping: [], context: Self.delivery).isEmpty)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aRetryComesBackWhenDueAndEveryAttemptIsRecordedAndAudited(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            // Whole seconds: both backends keep times to the millisecond.
            let now = H.at("2026-12-07T10:00:00Z")
            let referral = try await Self.delivered(store, harness, now: now)
            _ = try await store.revokeConsent(referralID: referral.id, context: H.caseWorker(now))
            let first = try #require(try await store.claimPartnerMessages(owner: "w1", now: now, lease: 60, limit: 10, skipping: [],
                                                                          context: Self.delivery).first)
            let retryAt = now.addingTimeInterval(30)
            try await store.recordPartnerMessages([PartnerOutboundReport(
                id: first.id, referralID: referral.id, kind: first.kind, owner: "w1", partnerID: "p-org-shelter",
                attempt: DeliveryAttempt(at: now, durationMS: 5, httpStatus: 503, errorClass: "http", outcome: .retry),
                resolution: .retry(at: retryAt), problem: "HTTP 503")], context: Self.delivery)
            #expect(try await store.claimPartnerMessages(owner: "w1", now: now.addingTimeInterval(10), lease: 60, limit: 10, skipping: [],
                                                         context: Self.delivery).isEmpty)
            #expect(try await store.nextPartnerMessageDue() == retryAt)
            // A partner without a free slot is left out.
            #expect(try await store.claimPartnerMessages(owner: "w1", now: retryAt, lease: 60, limit: 10, skipping: ["ORG-SHELTER"],
                                                         context: Self.delivery).isEmpty)
            let second = try #require(try await store.claimPartnerMessages(owner: "w1", now: retryAt, lease: 60, limit: 10, skipping: [],
                                                                           context: Self.delivery).first)
            #expect(second.id == first.id && second.attempts == 1 && second.idempotencyKey == first.idempotencyKey)
            try await store.recordPartnerMessages([PartnerOutboundReport(
                id: second.id, referralID: referral.id, kind: second.kind, owner: "w1", partnerID: "p-org-shelter",
                attempt: DeliveryAttempt(at: retryAt, durationMS: 5, httpStatus: 200, outcome: .delivered), resolution: .delivered)],
                context: Self.delivery)
            let entry = try #require(try await store.partnerMessages(referralID: referral.id).first)
            #expect(entry.state == .delivered && entry.attempts == 2)
            #expect(try await store.nextPartnerMessageDue() == nil)
            let audit = try await store.audit.records(after: 0, limit: 1_000).map(\.event)
                .filter { $0.entityID == referral.id && ($0.detail ?? "").hasPrefix("partner message \(first.id)") }
            #expect(audit.map(\.outcome) == [.failure, .success])
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aMessagesTextIsSealedAtRestAndEveryReadAndWriteIsAudited(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            let now = H.at("2026-12-07T10:00:00Z")
            let referral = try await Self.delivered(store, harness, now: now)
            let text = "Maria can come on Tuesday at 10, ask for Rosalind-\(UUID().uuidString)"
            let message = try await store.postMessage(NewReferralMessage(referralID: referral.id, fromParty: .referrer, text: text,
                                                                         containsPersonalInformation: false), context: H.caseWorker(now))
            #expect(message.text == text && message.fromParty == .referrer && message.author == "cw-7")
            let read = try await store.messages(referralID: referral.id, context: H.agency())
            #expect(read == [message])
            switch backend {
            case .sqlite:
                let bytes = try await harness.storedBytes()
                #expect(bytes.range(of: Data(text.utf8)) == nil)
            case .postgres:
                let stored = try await TestPostgres.query(harness.postgresURL!, "SELECT encode(sealed_text, 'escape') FROM referral_message",
                                                          logger: .init(label: "test"))
                #expect(!stored.isEmpty && !stored.contains(text))
            }
            // Another key cannot open it.
            let other = try await harness.open(cipher: PersonCipher(key: .init(size: .bits256)))
            await #expect(throws: StoreError.self) { try await other.messages(referralID: referral.id, context: H.agency()) }
            let audit = try await store.audit.records(after: 0, limit: 1_000).map(\.event)
            #expect(audit.contains { $0.entity == "referral_message" && $0.action == .create && $0.entityID == message.id })
            #expect(audit.contains { $0.entity == "referral_message" && $0.action == .read && $0.actor == "partner:shelter" })
            // The endpoint partner is sent the case worker's message.
            #expect(try await store.partnerMessages(referralID: referral.id).map(\.kind) == [.message])
            let claim = try #require(try await store.claimPartnerMessages(owner: "w", now: now, lease: 60, limit: 5, skipping: [],
                                                                          context: Self.delivery).first)
            #expect(claim.message == message)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func personalInformationNeedsAConsentInForceCoveringClinicalNotes(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            let plain = try await Self.delivered(store, harness)
            func post(_ id: String, personal: Bool, party: ReferralParty = .referrer) async throws -> ReferralMessage {
                try await store.postMessage(NewReferralMessage(referralID: id, fromParty: party, text: "About her appointment",
                                                               containsPersonalInformation: personal), context: H.caseWorker())
            }
            await #expect(throws: StoreError.self) { _ = try await post(plain.id, personal: true) }
            #expect(try await store.messages(referralID: plain.id, context: H.caseWorker()).isEmpty)
            _ = try await post(plain.id, personal: false)

            var request = H.request(H.ips)
            request.consent = H.consent("ORG-WORK", [.needs, .clinicalNotes])
            let covered = try await Self.delivered(store, harness, request)
            #expect(try await post(covered.id, personal: true).containsPersonalInformation)
            // Once revoked: only a message without personal information, from either side.
            _ = try await store.revokeConsent(referralID: covered.id, context: H.caseWorker())
            do {
                _ = try await post(covered.id, personal: true)
                Issue.record("a message with personal information was taken under a revoked consent")
            } catch StoreError.messageRefused(let field, let reason) {
                #expect(field == "contains_personal_information")
                #expect(reason.hasPrefix("the person's consent was revoked"))
            }
            #expect(try await post(covered.id, personal: false, party: .agency).fromParty == .agency)
            // Refused text changes nothing.
            await #expect(throws: StoreError.messageRefused(field: "text", reason: MessageText.Problem.empty.description)) {
                _ = try await store.postMessage(NewReferralMessage(referralID: covered.id, fromParty: .referrer, text: " \u{0007}\n ",
                                                                   containsPersonalInformation: false), context: H.caseWorker())
            }
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aMessageWaitsForTheReferralToReachTheAgencyAndAPartnerWritesOnlyOnItsOwn(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            let waiting = try await store.createReferral(H.request(H.ips), context: H.caseWorker())
            await #expect(throws: StoreError.self) {
                _ = try await store.postMessage(NewReferralMessage(referralID: waiting.id, fromParty: .referrer, text: "Hello",
                                                                   containsPersonalInformation: false), context: H.caseWorker())
            }
            let referral = try await Self.delivered(store, harness)
            func fromPartner(_ partner: String, organizations: [String], id: String) async throws -> ReferralMessage {
                try await store.postMessage(NewReferralMessage(
                    referralID: referral.id, fromParty: .agency, text: "We called her", containsPersonalInformation: false,
                    partnerMessage: .init(partnerID: partner, organizations: organizations, messageID: id)), context: H.agency())
            }
            await #expect(throws: StoreError.notPartnersReferral(partner: "p-org-work", referral: referral.id)) {
                _ = try await fromPartner("p-org-work", organizations: ["ORG-WORK"], id: "m-1")
            }
            let taken = try await fromPartner("p-org-shelter", organizations: ["ORG-SHELTER"], id: "m-1")
            #expect(taken.fromParty == .agency)
            await #expect(throws: StoreError.replayedMessage(partner: "p-org-shelter", message: "m-1")) {
                _ = try await fromPartner("p-org-shelter", organizations: ["ORG-SHELTER"], id: "m-1")
            }
            // An agency's message is not echoed back to its own system.
            #expect(try await store.partnerMessages(referralID: referral.id).isEmpty)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func theExpirySweepHandlesEachExpiredConsentOnce(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            let made = H.at("2026-11-20T09:00:00Z")
            var deliveredRequest = H.request()
            deliveredRequest.consent = H.consent("ORG-SHELTER", expires: H.at("2026-11-25T00:00:00Z"))
            let delivered = try await Self.delivered(store, harness, deliveredRequest, now: made)
            var waitingRequest = H.request(H.ips)
            waitingRequest.consent = H.consent("ORG-WORK", expires: H.at("2026-11-25T00:00:00Z"))
            let waiting = try await store.createReferral(waitingRequest, context: H.caseWorker(made))
            var laterRequest = H.request(H.clinic)
            laterRequest.consent = H.consent("ORG-CLINIC", expires: H.at("2027-01-01T00:00:00Z"))
            let later = try await store.createReferral(laterRequest, context: H.caseWorker(made))

            let sweep = AuditContext(actor: "system:consent-expiry", purpose: "operations", now: H.at("2026-11-26T00:00:00Z"))
            #expect(try await store.sweepExpiredConsents(context: AuditContext(actor: "system:consent-expiry", now: H.at("2026-11-24T00:00:00Z"))).isEmpty)
            let handled = try await store.sweepExpiredConsents(context: sweep)
            #expect(Set(handled.map(\.referralID)) == [delivered.id, waiting.id])
            #expect(handled.allSatisfy { $0.reason == .expired })
            #expect(handled.first { $0.referralID == waiting.id }?.cancelled == [waiting.id])
            #expect(try await store.referral(id: waiting.id, context: H.caseWorker()).history?.last?.reason == "consent expired")
            let queued = try await store.partnerMessages(referralID: delivered.id)
            #expect(queued.map(\.kind) == [.consentRevoked])
            #expect(try await store.partnerMessages(referralID: waiting.id).isEmpty)
            // Again, and a day later: nothing more.
            #expect(try await store.sweepExpiredConsents(context: sweep).isEmpty)
            #expect(try await store.sweepExpiredConsents(context: AuditContext(actor: "system:consent-expiry", now: H.at("2026-11-27T00:00:00Z"))).isEmpty)
            #expect(try await store.partnerMessages(referralID: delivered.id).count == 1)
            #expect(try await store.referral(id: later.id, context: H.caseWorker()).status == .requested)
            let claim = try #require(try await store.claimPartnerMessages(owner: "w", now: sweep.now, lease: 60, limit: 5, skipping: [],
                                                                          context: Self.delivery).first)
            #expect(claim.reason == "expired")
            let expiredAudit = try await store.audit.records(after: 0, limit: 1_000).map(\.event)
                .filter { $0.entity == "consent" && ($0.detail ?? "").hasPrefix("expired for") }
            #expect(expiredAudit.count == 2)
        }
    }
}
