import TrellisCore

/// What happens after an agency answers, as stored: the outcome in its own columns (on the referral
/// and its history row), contact attempts, the chain of referrals made one after another for the same
/// need, and the case worker's follow-up.
enum ReferralFollowThrough {
    static let migrationName = "store-14a: referral outcomes, contact attempts, the next referral after a rejection, follow-ups"
    static let backfillName = "store-14b: the outcome codes of answers recorded before outcomes had fields, read from their reason text"

    /// Answers recorded before outcomes had their own fields kept the code's title at the head of the
    /// reason ("Service started: moved in", as the inbox form wrote it, or a partner's "No capacity"):
    /// the history rows get the code and the text after it, and each ended referral its last row's.
    /// Plain SQL both dialects run (titles hold no quote, `%` or `_`).
    static var backfillStatements: [String] {
        AgencyAnswerReason.allCases.map { code in
            let title = code.title
            return """
                UPDATE referral_history SET outcome_code = '\(code.rawValue)',
                    outcome_text = CASE WHEN reason = '\(title)' THEN NULL ELSE substr(reason, \(title.count + 3)) END
                WHERE outcome_code IS NULL AND to_status IN ('completed', 'failed', 'rejected') AND to_status <> coalesce(from_status, '')
                    AND (reason = '\(title)' OR reason LIKE '\(title): %')
                """
        } + [
            """
            UPDATE referral SET
                outcome_code = (SELECT h.outcome_code FROM referral_history h WHERE h.referral_id = referral.id AND h.to_status = referral.status
                    AND h.outcome_code IS NOT NULL ORDER BY h.id DESC LIMIT 1),
                outcome_text = (SELECT h.outcome_text FROM referral_history h WHERE h.referral_id = referral.id AND h.to_status = referral.status
                    AND h.outcome_code IS NOT NULL ORDER BY h.id DESC LIMIT 1)
            WHERE outcome_code IS NULL AND status IN ('completed', 'failed', 'rejected')
            """,
        ]
    }

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
