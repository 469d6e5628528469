import Foundation
import TrellisCore

/// The rows of the outbound partner message queue, written the same way on both backends.
enum PartnerOutboundRows {
    /// Queues a message for the partner of `referralID`, due now; its id. A `consent.revoked` is queued
    /// once per referral: nil when one already is.
    static func enqueue(referralID: String, kind: PartnerOutboundKind, messageID: String? = nil, reason: String? = nil, at now: Date,
                        in session: any SQLSession) async throws -> String? {
        if kind == .consentRevoked,
           try await session.firstRow("SELECT 1 FROM partner_outbound WHERE referral_id = \(referralID) AND kind = \(kind.rawValue)") != nil {
            return nil
        }
        let id = StoreID.make("pmsg")
        try await session.execute("""
            INSERT INTO partner_outbound (id, referral_id, kind, message_id, reason, idempotency_key, state, attempts, next_attempt_at, created_at, updated_at)
            VALUES (\(id), \(referralID), \(kind.rawValue), \(messageID), \(reason), \(UUID().uuidString.lowercased()), 'pending', 0, \(now), \(now), \(now))
            """)
        return id
    }
}
