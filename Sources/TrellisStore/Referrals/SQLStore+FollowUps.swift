public import Foundation
public import TrellisCore

/// The case worker's follow-up after a service started.
extension SQLStore {
    public func recordFollowUp(referralID: String, note: String?, context: AuditContext) async throws -> Referral {
        try await auditingRefusals(.update, "referral", referralID, context: context) { try await change { session, audit in
            guard let current = try await ReferralRows.referral(id: referralID, in: session) else { throw StoreError.referralNotFound(referralID) }
            guard current.followUpOn != nil else { throw StoreError.followUp(referral: referralID, reason: "has no follow-up (only a referral completed with service started has one)") }
            let sealed = try note?.nonBlank.map { try configuration.cipher.seal($0, owner: referralID, field: "follow_up_note") }
            let recorded = try await session.changed("""
                UPDATE referral SET follow_up_done_at = \(context.now), follow_up_done_by = \(context.actor), sealed_follow_up_note = \(sealed),
                    version = version + 1, updated_at = \(context.now)
                WHERE id = \(referralID) AND follow_up_done_at IS NULL RETURNING 1
                """)
            guard recorded else { throw StoreError.followUp(referral: referralID, reason: "had its follow-up recorded already") }
            // The note may speak of the person: sealed on the referral, never in the history or the audit.
            let change = ReferralStatusChange(at: context.now, actor: context.actor, party: .referrer, from: current.status, to: current.status,
                                              reason: "follow-up done", source: .api)
            try await ReferralRows.insert(change, for: referralID, in: session)
            audit.record(context.entry(.update, "referral", referralID, detail: "follow-up done" + (sealed == nil ? "" : " with a note")))
            guard var referral = try await ReferralRows.referral(id: referralID, in: session) else { throw StoreError.referralNotFound(referralID) }
            referral.history = try await ReferralRows.history(of: referralID, in: session)
            return referral
        } }
    }
}
