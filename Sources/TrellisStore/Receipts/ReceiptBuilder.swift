import Crypto
import Foundation
import TrellisCore

/// Writes a receipt from the referral, its consent and the audit records of its consent and
/// disclosures; and checks that a receipt says what its cited records say.
enum ReceiptBuilder {
    static func receipt(referral: Referral, consent stored: StoredConsent, service: Service?, records: [SealedAuditRecord],
                        checkpoint: (AuditCheckpoint, Curve25519.Signing.PublicKey)?, now: Date) -> ReferralReceipt {
        let consent = stored.consent
        let consentRecord = records.first { $0.event.entity == "consent" }
        let disclosures = records.filter { $0.event.entity == "referral" }
        let deliveries = disclosures.map { record in
            ReferralReceipt.Delivery(at: AuditCanonicalForm.timestamp(record.event.at), how: ReceiptWords.how(record.event.detail ?? ""),
                                     categories: ReceiptWords.categories(inDetail: record.event.detail ?? "", after: "disclosed ") ?? [],
                                     auditSequence: record.event.sequence)
        }
        let went = Set(deliveries.flatMap(\.categories))
        let shared = Consent.Category.allCases.filter { went.contains($0.rawValue) }.map {
            ReferralReceipt.Shared(category: $0.rawValue, inWords: ReceiptWords.category($0), fields: ReceiptWords.fields($0))
        }
        let organizationName = service?.organizationName.nonBlank ?? referral.organizationID
        let categories = consent.categories.sorted()
        return ReferralReceipt(
            referralID: referral.id, issuedAt: AuditCanonicalForm.timestamp(now),
            sharedWith: .init(organizationID: referral.organizationID, organizationName: organizationName, serviceID: referral.serviceID,
                              serviceName: service?.name ?? referral.serviceID),
            consent: .init(categories: categories.map(\.rawValue), inWords: categories.map(ReceiptWords.category), method: consent.method.rawValue,
                           capturedBy: consent.capturedBy, capturedAt: AuditCanonicalForm.timestamp(consent.capturedAt),
                           expiresAt: consent.expiresAt.map(AuditCanonicalForm.timestamp), revokedAt: consent.revokedAt.map(AuditCanonicalForm.timestamp),
                           auditSequence: consentRecord?.event.sequence ?? 0),
            shared: shared, deliveries: deliveries,
            revoke: .init(sentence: """
                You can take back your consent at any time: ask your case worker, who will press "Revoke consent" on the referral's page. \
                Nothing more will be shared with \(organizationName) after that, and they are told.
                """,
                          route: "/v1/referrals/\(referral.id)/consent/revoke", page: "/referrals/\(referral.id)"),
            audit: .init(records: records.map(cited), checkpoint: checkpoint.map { checkpoint, key in
                .init(sequence: checkpoint.sequence, hash: hex(checkpoint.hash), at: AuditCanonicalForm.timestamp(checkpoint.at),
                      signature: checkpoint.signature.base64EncodedString(), publicKey: AuditSigningKey.base64(key),
                      fingerprint: AuditSigningKey.fingerprint(key))
            }))
    }

    static func cited(_ record: SealedAuditRecord) -> ReferralReceipt.AuditRecord {
        let e = record.event
        return .init(sequence: e.sequence, at: AuditCanonicalForm.timestamp(e.at), actor: e.actor, action: e.action.rawValue, entity: e.entity,
                     entityID: e.entityID, outcome: e.outcome.rawValue, detail: e.detail, hash: record.hashHex)
    }

    static func hex(_ data: Data) -> String { data.map { String(format: "%02x", $0) }.joined() }

    /// How a cited record differs from the one the trail holds at its sequence; nil when they are the same.
    static func difference(_ claim: ReferralReceipt.AuditRecord, _ record: SealedAuditRecord) -> String? {
        let held = cited(record)
        if claim.hash.lowercased() != held.hash { return "record \(claim.sequence)'s hash differs from the audit trail's" }
        for (name, claimed, actual) in [("time", claim.at, held.at), ("actor", claim.actor, held.actor), ("action", claim.action, held.action),
                                        ("entity", claim.entity, held.entity), ("entity id", claim.entityID, held.entityID),
                                        ("outcome", claim.outcome, held.outcome), ("detail", claim.detail ?? "", held.detail ?? "")]
            where claimed != actual {
            return "record \(claim.sequence)'s \(name) differs from the audit trail's"
        }
        return nil
    }

    /// Where a receipt says something its own cited records do not; nil when it is consistent.
    static func inconsistency(of receipt: ReferralReceipt) -> String? {
        let records = Dictionary(receipt.audit.records.map { ($0.sequence, $0) }, uniquingKeysWith: { first, _ in first })
        guard let consent = records[receipt.consent.auditSequence], consent.entity == "consent",
              let detail = consent.detail, detail.hasPrefix("for \(receipt.referralID) to \(receipt.sharedWith.organizationID): ") else {
            return "the consent's audit record \(receipt.consent.auditSequence) is not cited, or is not the consent for \(receipt.referralID) to \(receipt.sharedWith.organizationID)"
        }
        if ReceiptWords.categories(inDetail: detail, after: ": ") != receipt.consent.categories.sorted() {
            return "the consented categories differ from audit record \(consent.sequence)"
        }
        for delivery in receipt.deliveries {
            guard let record = records[delivery.auditSequence], record.entity == "referral", record.entityID == receipt.referralID,
                  record.detail?.hasPrefix("disclosure") == true else {
                return "the delivery at \(delivery.at) cites record \(delivery.auditSequence), which is not a disclosure of \(receipt.referralID)"
            }
            if record.at != delivery.at { return "the delivery's time differs from audit record \(record.sequence)" }
            if ReceiptWords.categories(inDetail: record.detail ?? "", after: "disclosed ") != delivery.categories.sorted() {
                return "the categories shared at \(delivery.at) differ from audit record \(record.sequence)"
            }
        }
        let went = Set(receipt.deliveries.flatMap(\.categories))
        if Set(receipt.shared.map(\.category)) != went { return "what the receipt says was shared differs from its deliveries' audit records" }
        let cited = Set(receipt.deliveries.map(\.auditSequence) + [receipt.consent.auditSequence])
        if let extra = records.keys.sorted().first(where: { !cited.contains($0) }) {
            return "record \(extra) is cited but the receipt says nothing of it"
        }
        return nil
    }
}
