import Foundation
import TrellisCore

/// Referrals made one after another for the same need: a rejected or failed referral and the one the
/// case worker made next, each naming the other, with a history row on the first.
enum ReferralChain {
    /// Links `previous` to the new referral `next`, or refuses by name: it must exist, be the same
    /// person's (of the same referring organization), be rejected or failed, and not be followed yet.
    static func link(previous id: String, next: String, person: String, referrerOrganizationID: String?, context: AuditContext,
                     in session: any SQLSession, audit: AuditRecorder) async throws {
        guard let row = try await session.firstRow("""
            SELECT status, person_id, referrer_organization_id, next_referral_id, version FROM referral WHERE id = \(id)
            """) else { throw StoreError.previousReferral(id, reason: "does not exist") }
        let status = ReferralStatus(rawValue: try row[0]) ?? .draft
        let previousPerson: String = try row[1]
        let previousReferrer: String? = try row[2]
        // Another organization's referral reads as missing: its existence is not revealed.
        guard previousReferrer == referrerOrganizationID else { throw StoreError.previousReferral(id, reason: "does not exist") }
        guard previousPerson == person else { throw StoreError.previousReferral(id, reason: "is another person's referral") }
        guard status == .rejected || status == .failed else {
            throw StoreError.previousReferral(id, reason: "is \(status.rawValue); only a rejected or failed referral is followed by the next match")
        }
        let version: Int = try row[4]
        let linked = try await session.changed("""
            UPDATE referral SET next_referral_id = \(next), version = \(version + 1), updated_at = \(context.now)
            WHERE id = \(id) AND next_referral_id IS NULL RETURNING 1
            """)
        guard linked else {
            let earlier: String? = try row[3]
            throw StoreError.previousReferral(id, reason: "was already followed by referral \(earlier ?? "another")")
        }
        let change = ReferralStatusChange(at: context.now, actor: context.actor, party: .referrer, from: status, to: status,
                                          reason: "referred to the next match", source: .api, relatedReferralID: next)
        try await ReferralRows.insert(change, for: id, in: session)
        audit.record(context.entry(.update, "referral", id, detail: "followed by \(next)"))
    }
}
