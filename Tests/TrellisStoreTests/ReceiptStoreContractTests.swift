import Crypto
import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// The person's receipt on both backends: what went (categories and field names, never values), to
/// whom, when, under which consent, with the audit records and the signed checkpoint that prove it;
/// and the check that a receipt matches the audit trail, which catches a changed receipt.
@Suite struct ReceiptStoreContractTests {
    typealias H = StoreHarness
    static let worker = AuditContext(actor: "system:delivery", purpose: "treatment")

    /// A referral delivered once with contact and needs (its consent also allows demographics).
    static func delivered(_ store: any TrellisStore) async throws -> Referral {
        let referral = try await store.createReferral(H.request(), context: H.caseWorker())
        _ = try await store.claimDeliveries(owner: "w", now: Date(), lease: 60, limit: 10, skipping: [], context: worker)
        try await store.recordDelivery(DeliveryReport(referralID: referral.id, owner: "w", partnerID: "p-org-shelter",
                                                      attempt: DeliveryAttempt(at: Date(), durationMS: 3, httpStatus: 201, outcome: .delivered),
                                                      resolution: .delivered, disclosed: [.contact, .needs]), context: worker)
        return referral
    }

    @Test(arguments: AuditBackend.allCases)
    func aReceiptSaysWhatWentToWhomWhenAndUnderWhichConsent(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let referral = try await Self.delivered(store)
            let receipt = try await store.receipt(referralID: referral.id, scope: .everything, context: H.caseWorker())
            #expect(receipt.sharedWith.organizationName == "Org ORG-SHELTER" && receipt.sharedWith.serviceName == "Service svc-shelter")
            #expect(receipt.consent.categories == ["contact", "demographics", "needs"] && receipt.consent.method == "verbal")
            #expect(receipt.consent.capturedBy == "cw-7" && receipt.consent.expiresAt != nil)
            #expect(receipt.shared.map(\.category) == ["contact", "needs"], "what went, not all that was allowed")
            #expect(receipt.shared.first?.fields == ["name", "phone", "e-mail"])
            #expect(receipt.deliveries.map(\.categories) == [["contact", "needs"]])
            #expect(receipt.deliveries.first?.how == "sent to the agency's system")
            #expect(receipt.revoke.route == "/v1/referrals/\(referral.id)/consent/revoke")
            #expect(receipt.revoke.sentence.contains("Org ORG-SHELTER"))
            let cited = receipt.audit.records.map(\.sequence)
            #expect(cited == [receipt.consent.auditSequence, receipt.deliveries[0].auditSequence])
            let checkpoint = try #require(receipt.audit.checkpoint)
            #expect(checkpoint.sequence >= cited.max() ?? 0)
            // Never a value of the person's data.
            let text = String(decoding: try JSONEncoder().encode(receipt), as: UTF8.self)
            for value in ["Maria", "Quintero", "555-0199", "maria.q@example.org", "emergency_shelter", "P-1042"] { #expect(!text.contains(value)) }
            // And the receipt's own read is on the record.
            #expect(try await store.audit.records(after: 0, limit: 1_000).contains {
                $0.event.entity == "referral" && $0.event.entityID == referral.id && $0.event.detail == "receipt" })
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func anotherOrganizationsReferralHasNoReceiptAndTheRefusalIsAudited(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let referral = try await Self.delivered(store)
            await #expect(throws: StoreError.referralNotFound(referral.id)) {
                try await store.receipt(referralID: referral.id, scope: .referredBy(organization: "ORG-OTHER"), context: H.caseWorker())
            }
            await #expect(throws: StoreError.referralNotFound("ref-nope")) {
                try await store.receipt(referralID: "ref-nope", scope: .everything, context: H.caseWorker())
            }
            let refused = try await store.audit.records(after: 0, limit: 1_000).map(\.event).filter { $0.outcome != .success && $0.entity == "referral" }
            #expect(refused.map(\.outcome) == [.denied, .failure])
        }
    }

    static func tampered(_ change: (inout ReferralReceipt) -> Void, _ receipt: ReferralReceipt) -> ReferralReceipt {
        var copy = receipt
        change(&copy)
        return copy
    }

    @Test(arguments: AuditBackend.allCases)
    func aReceiptIsProvedAgainstTheAuditTrailAndAChangedOneIsNot(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let referral = try await Self.delivered(store)
            let receipt = try await store.receipt(referralID: referral.id, scope: .everything, context: H.caseWorker())
            let county = AuditContext(actor: "county-auditor", purpose: "security")
            let verdict = try await store.verifyReceipt(receipt, pinnedKey: nil, context: county)
            guard case .matches(let records, _) = verdict else { Issue.record("expected a match: \(verdict.sentence)"); return }
            #expect(records == 2)
            let cases: [(ReferralReceipt, String)] = [
                (Self.tampered({ $0.deliveries[0].categories.append("demographics"); $0.shared.append(.init(category: "demographics", inWords: "", fields: [])) },
                               receipt), "the categories shared at"),
                (Self.tampered({ $0.audit.records[1].detail = ($0.audit.records[1].detail ?? "") + ",demographics" }, receipt), "detail differs"),
                (Self.tampered({ $0.consent.categories = ["contact"] }, receipt), "the consented categories differ"),
                (Self.tampered({ $0.audit.records[1].sequence = 999_999; $0.deliveries[0].auditSequence = 999_999 }, receipt), "record 999999 is not in the audit trail up to the checkpoint"),
                (Self.tampered({ $0.audit.checkpoint?.signature = Data(repeating: 7, count: 64).base64EncodedString() }, receipt), "signature does not verify"),
                (Self.tampered({ $0.audit.checkpoint = nil }, receipt), "no signed checkpoint"),
            ]
            for (changed, why) in cases {
                let verdict = try await store.verifyReceipt(changed, pinnedKey: nil, context: county)
                guard case .differs(let reason) = verdict else { Issue.record("a changed receipt matched (\(why))"); continue }
                #expect(reason.contains(why), "\(reason)")
            }
            // Signed by another key than the pinned one: refused.
            let other = Curve25519.Signing.PrivateKey().publicKey
            guard case .differs = try await store.verifyReceipt(receipt, pinnedKey: other, context: county) else {
                Issue.record("a checkpoint not signed by the pinned key passed"); return
            }
            // Each reading of a receipt is on the record, with its verdict.
            let reads = try await store.audit.records(after: 0, limit: 1_000).map(\.event)
                .filter { $0.actor == "county-auditor" && $0.detail?.hasPrefix("receipt verified") == true }
            #expect(reads.count == 2 + cases.count)
            #expect(reads.first?.outcome == .success && reads.dropFirst().allSatisfy { $0.outcome == .failure })
        }
    }
}
