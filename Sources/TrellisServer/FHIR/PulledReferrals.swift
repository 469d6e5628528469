import Foundation
import TrellisCore
import TrellisDelivery
import TrellisStore

/// One referral as the FHIR pull discloses it: the same `ReferralDisclosure` the delivery worker sends,
/// built at the moment of the read, so consent categories and 42 CFR Part 2 hold identically. Each read
/// is a disclosure and audited as one (action E, with the categories that went out), beside the store's
/// own records of the consent and person reads.
///
/// A referral whose consent is no longer in force (revoked or expired) is withheld altogether: the
/// disclosure code allows nothing at all then — not the service, the needs or the person's reference,
/// which a Task and its ServiceRequest carry — and the delivery worker likewise sends nothing.
struct PulledReferrals: Sendable {
    let store: any ReferralRepository & DirectoryRepository
    let auditLog: any AuditLog

    /// The served resources, or nil when nothing of this referral may leave now (the withholding is audited).
    func serve(_ referral: Referral, to partner: Partner, scope: ReferralScope, context: AuditContext) async throws -> FHIRReferralBundle.Resources? {
        let now = context.now
        var referral = referral
        // A list's rows carry no history; the reason a rejected, cancelled, held or failed Task shows is in it.
        if referral.history == nil && ReferralLifecycle.needsReason(referral.status) {
            referral = try await store.referral(id: referral.id, scope: scope, context: context)
        }
        let consent = try await store.consent(referralID: referral.id, context: context)
        guard consent.consent.isInForce(at: now), consent.consent.recipient == referral.organizationID else {
            try await withhold(referral, from: partner, because: "its consent is not in force", context: context)
            return nil
        }
        guard let service = try await store.service(id: referral.serviceID) else {
            try await withhold(referral, from: partner, because: "service \(referral.serviceID) is no longer in the stored directory", context: context)
            return nil
        }
        let person = try await store.person(referralID: referral.id, context: context)
        guard let disclosure = ReferralDisclosure(referral: referral, consentID: consent.id, consent: consent.consent, profile: person.profile,
                                                  note: person.note, service: service, partner: partner, now: now) else {
            try await withhold(referral, from: partner, because: "its consent is not in force", context: context)
            return nil
        }
        let disclosed = disclosure.categories.isEmpty ? "the referral only" : disclosure.categories.map(\.rawValue).joined(separator: ",")
        try await auditLog.append(context.entry(.execute, "referral", referral.id,
                                                detail: "disclosure to \(partner.id); pulled as FHIR; disclosed \(disclosed)"))
        return FHIRReferralBundle.served(disclosure, state: FHIRReferralBundle.TaskState(referral))
    }

    func withhold(_ referral: Referral, from partner: Partner, because why: String, context: AuditContext) async throws {
        try await auditLog.append(context.entry(.execute, "referral", referral.id, outcome: .denied,
                                                detail: "withheld from \(partner.id) (FHIR pull): \(why)"))
    }
}
