/// What happens after an agency answers, as stored: the outcome in its own columns (on the referral
/// and its history row), contact attempts, the chain of referrals made one after another for the same
/// need, and the case worker's follow-up.
enum ReferralFollowThrough {
    static let migrationName = "store-14a: referral outcomes, contact attempts, the next referral after a rejection, follow-ups"

    /// The same columns in each dialect; `blob` and `timestamp` are the dialect's types.
    static func statements(blob: String, timestamp: String) -> [String] {
        [
            "ALTER TABLE referral ADD COLUMN outcome_code TEXT",
            "ALTER TABLE referral ADD COLUMN outcome_text TEXT",
            "ALTER TABLE referral ADD COLUMN contact_attempts INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE referral ADD COLUMN previous_referral_id TEXT",
            "ALTER TABLE referral ADD COLUMN next_referral_id TEXT",
            // A day (YYYY-MM-DD) in the county's calendar: text compares as days do.
            "ALTER TABLE referral ADD COLUMN follow_up_on TEXT",
            "ALTER TABLE referral ADD COLUMN follow_up_done_at \(timestamp)",
            "ALTER TABLE referral ADD COLUMN follow_up_done_by TEXT",
            "ALTER TABLE referral ADD COLUMN sealed_follow_up_note \(blob)",
            "ALTER TABLE referral_history ADD COLUMN outcome_code TEXT",
            "ALTER TABLE referral_history ADD COLUMN outcome_text TEXT",
            "ALTER TABLE referral_history ADD COLUMN business_status TEXT",
            "ALTER TABLE referral_history ADD COLUMN related_referral_id TEXT",
            "CREATE INDEX referral_follow_up ON referral(follow_up_on)",
        ]
    }
}
