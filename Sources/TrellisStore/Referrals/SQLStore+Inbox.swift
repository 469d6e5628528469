public import Foundation
public import TrellisCore

/// Referrals kept in an agency's inbox: who has opened them.
extension SQLStore {
    public func recordInboxOpening(referralID: String, disclosed: [Consent.Category], context: AuditContext) async throws -> Bool {
        try await change { session, audit in
            let first = try await session.changed("""
                INSERT INTO inbox_view (referral_id, user_id, opened_at) VALUES (\(referralID), \(context.actor), \(context.now))
                ON CONFLICT DO NOTHING RETURNING 1
                """)
            if first {
                let categories = disclosed.isEmpty ? "the referral only" : disclosed.map(\.rawValue).joined(separator: ",")
                audit.record(context.entry(.execute, "referral", referralID, detail: "disclosure in the inbox to \(context.actor); disclosed \(categories)"))
            }
            return first
        }
    }

    public func openedInInbox(referralIDs: [String]) async throws -> Set<String> {
        guard !referralIDs.isEmpty else { return [] }
        return try await plainRead { session in
            Set(try await session.values("SELECT DISTINCT referral_id FROM inbox_view WHERE referral_id IN \(list: referralIDs)", as: String.self))
        }
    }
}
