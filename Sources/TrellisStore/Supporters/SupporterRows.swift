import Foundation
import TrellisCore

/// A referral's supporters as the database holds them: each sealed whole (name, relation, phone,
/// e-mail), bound to its referral and place in the list; only whether the person agreed to copy
/// them on updates is plain, so a status change without such a supporter opens nothing.
enum SupporterRows {
    static let migrationName = "store-13a: a referral's supporters (sealed) and notices to them (sealed address and text)"

    static let sqliteMigration = """
        CREATE TABLE referral_supporter (
            referral_id TEXT NOT NULL REFERENCES referral(id),
            position INTEGER NOT NULL,
            consent_to_updates INTEGER NOT NULL,
            sealed_supporter BLOB NOT NULL,
            PRIMARY KEY (referral_id, position));
        ALTER TABLE notice ADD COLUMN referral_id TEXT;
        ALTER TABLE notice ADD COLUMN sealed_recipient BLOB;
        ALTER TABLE notice ADD COLUMN sealed_message BLOB;
        """

    static let postgresMigration = [
        """
        CREATE TABLE referral_supporter (
            referral_id text NOT NULL REFERENCES referral(id),
            position integer NOT NULL,
            consent_to_updates boolean NOT NULL,
            sealed_supporter bytea NOT NULL,
            PRIMARY KEY (referral_id, position))
        """,
        "ALTER TABLE notice ADD COLUMN referral_id text",
        "ALTER TABLE notice ADD COLUMN sealed_recipient bytea",
        "ALTER TABLE notice ADD COLUMN sealed_message bytea",
    ]

    /// What a sealed supporter is bound to: its referral and place.
    static func owner(referralID: String, position: Int) -> String { "\(referralID)#supporter\(position)" }

    /// Stores the profile's supporters for a new referral, each sealed.
    static func insert(_ profile: NeedsProfile, referralID: String, cipher: PersonCipher, in session: any SQLSession) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for (position, supporter) in (profile.supporters ?? []).enumerated() {
            let sealed = try cipher.seal(try encoder.encode(supporter), owner: owner(referralID: referralID, position: position), field: "supporter")
            try await session.execute("""
                INSERT INTO referral_supporter (referral_id, position, consent_to_updates, sealed_supporter)
                VALUES (\(referralID), \(position), \(supporter.consentToUpdates), \(sealed))
                """)
        }
    }
}
