public import TrellisCore

/// Which referrals a caller may see: everything (an administrator, the command line), those its
/// organization made (case workers and supervisors), or those addressed to organizations it answers
/// for (a partner). A partner never sees a draft, nor a referral cancelled before it was delivered:
/// those never reached it. Stores apply it in the query, so nothing outside it is read or counted.
public enum ReferralScope: Hashable, Sendable {
    case everything
    case referredBy(organization: String)
    case addressedTo(organizations: [String])

    /// - Parameter delivered: whether the referral reached its recipient: its outbox row is delivered, or it was
    ///   sent to an inbox.
    public func admits(_ referral: Referral, delivered: Bool) -> Bool {
        switch self {
        case .everything: true
        case .referredBy(let organization): referral.referrerOrganizationID == organization
        case .addressedTo(let organizations):
            organizations.contains(referral.organizationID) && Self.reachedPartner(referral.status, delivered: delivered)
        }
    }

    /// Whether the partner ever had the referral: not a draft, and not cancelled before delivery.
    static func reachedPartner(_ status: ReferralStatus, delivered: Bool) -> Bool {
        status != .draft && (status != .cancelled || delivered)
    }

    /// `reachedPartner` as a condition on the `referral` table, for the stores' queries.
    static let reachedPartnerSQL = """
        status <> 'draft' AND (status <> 'cancelled' OR (delivery_channel = 'inbox' AND requested_at IS NOT NULL)
            OR EXISTS (SELECT 1 FROM outbox o WHERE o.referral_id = referral.id AND o.state = 'delivered'))
        """
}
