import Foundation
import TrellisCore

/// Queueing notices inside the transaction of the change that calls for them.
enum NoticeRows {
    /// Where an organization's notices go: its partner entry's address and its agency users'.
    static func recipients(of organizationID: String, partner: Partner?, in session: any SQLSession) async throws -> [String] {
        let users = try await session.values("""
            SELECT u.notify_email FROM app_user u JOIN user_organization o ON o.user_id = u.id
            WHERE o.organization_id = \(organizationID) AND u.notify_email IS NOT NULL AND u.disabled_at IS NULL AND u.role = 'agency'
            """, as: String.self)
        return Array(Set((partner?.notifyEmail.map { [$0] } ?? []) + users)).sorted()
    }

    /// One notice per recipient; `key` makes queueing it again a no-op. The number queued.
    @discardableResult
    static func queue(_ kind: Notice.Kind, organizationID: String, key: String, partner: Partner?, at now: Date,
                      in session: any SQLSession) async throws -> Int {
        var queued = 0
        for recipient in try await recipients(of: organizationID, partner: partner, in: session) {
            let inserted = try await session.changed("""
                INSERT INTO notice (id, kind, organization_id, recipient, dedupe_key, state, attempts, next_attempt_at, created_at, updated_at)
                VALUES (\(StoreID.make("ntc")), \(kind.rawValue), \(organizationID), \(recipient), \(key + "\u{1F}" + recipient), 'pending', 0,
                        \(now), \(now), \(now))
                ON CONFLICT (dedupe_key) DO NOTHING RETURNING 1
                """)
            if inserted { queued += 1 }
        }
        return queued
    }
}
