public import TrellisCore

/// Which referrals a caller may see: everything (an administrator, the command line), those its
/// organization made (case workers and supervisors), or those addressed to organizations it answers
/// for (a partner). Stores apply it in the query, so nothing outside it is read or counted.
public enum ReferralScope: Hashable, Sendable {
    case everything
    case referredBy(organization: String)
    case addressedTo(organizations: [String])

    public func admits(_ referral: Referral) -> Bool {
        switch self {
        case .everything: true
        case .referredBy(let organization): referral.referrerOrganizationID == organization
        case .addressedTo(let organizations): organizations.contains(referral.organizationID)
        }
    }
}
