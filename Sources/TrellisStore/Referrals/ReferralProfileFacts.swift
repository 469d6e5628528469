import Foundation
import TrellisCore

/// The few facts about a referred person that reports compare groups by, kept in clear columns on
/// the referral because the profile is sealed: an age band (never the age), the first language, whether
/// an interpreter is needed and the most urgent need. None identifies a person on its own.
struct ReferralProfileFacts: Sendable, Hashable {
    static let migrationName = "store-11: a referral's non-identifying profile facts (age band, language, interpreter, urgency) for equity reports"

    var ageBand: String?
    var primaryLanguage: String?
    var interpreterNeeded: Bool
    var highestUrgency: String?

    init(_ profile: NeedsProfile) {
        ageBand = profile.person.age.map { AgeBand(age: $0).rawValue }
        primaryLanguage = profile.person.languages.first
        interpreterNeeded = profile.person.interpreterNeeded
        highestUrgency = profile.needs.map(\.urgency).max()?.rawValue
    }

    /// From a stored (sealed) profile: the migration that fills referrals made before these columns.
    init(sealedProfile: Data, profileID: String, cipher: PersonCipher) throws {
        self.init(try JSONDecoder().decode(NeedsProfile.self, from: try cipher.open(sealedProfile, owner: profileID, field: "profile")))
    }
}
