import Foundation
import TrellisCore
import TrellisMatching
import TrellisStore

/// The next matches for a rejected or failed referral: the person's stored profile ranked again now,
/// for the referral's own needs, with the agency that turned it down last.
struct NextMatches: Encodable, Sendable {
    var referralID: String
    /// The organization that rejected (or ended) the referral: its services rank last.
    var previousOrganizationID: String
    var outcome: MatchOutcome

    enum CodingKeys: String, CodingKey {
        case referralID = "referral_id", previousOrganizationID = "previous_organization_id", matches, excluded
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(referralID, forKey: .referralID)
        try c.encode(previousOrganizationID, forKey: .previousOrganizationID)
        try c.encode(outcome.matches, forKey: .matches)
        try c.encode(outcome.excluded, forKey: .excluded)
    }

    /// Only a rejected or failed referral has next matches.
    static func check(_ referral: Referral) throws {
        guard referral.status == .rejected || referral.status == .failed else {
            throw APIError(.unprocessableContent, code: "no_next_step",
                           "referral \(referral.id) is \(referral.status.rawValue); next matches are offered for a rejected or failed referral")
        }
    }

    /// Ranks `profile`'s needs of the referral's domains (all of them when none is left), at most
    /// `limit` per need, the previous agency's services after every other.
    static func rank(_ referral: Referral, profile: NeedsProfile, matching: MatchingService, limit: Int) throws -> NextMatches {
        var profile = profile
        let same = profile.needs.filter { referral.needDomains.contains($0.domain) }
        if !same.isEmpty { profile.needs = same }
        let outcome: MatchOutcome
        do {
            // Ranked with room for the previous agency's services, which then move to the end.
            outcome = try matching.matcher.match(profile, in: matching.index, limit: min(50, limit * 2))
        } catch {
            throw APIError(.unprocessableContent, code: "invalid", "the stored profile cannot be ranked: \(error.description)")
        }
        var ranked = outcome
        ranked.matches = outcome.matches.map { need in
            var need = need
            let others = need.results.filter { $0.organizationID != referral.organizationID }
            let previous = need.results.filter { $0.organizationID == referral.organizationID }.map { result in
                var result = result
                result.warnings.append(MatchWarning(code: "turned_down_before",
                                                    text: "This agency \(referral.status == .rejected ? "turned down" : "ended") the previous referral"))
                return result
            }
            need.results = Array((others + previous).prefix(limit))
            return need
        }
        return NextMatches(referralID: referral.id, previousOrganizationID: referral.organizationID, outcome: ranked)
    }
}
