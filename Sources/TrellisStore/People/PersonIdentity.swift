import TrellisCore

/// A person is one referring organization's client: the pseudonymous reference ("P-1042") is the
/// agency's own, so two agencies may use the same one for different people. A person row is found
/// by (referring organization, reference); referrals made without an organization (the command line)
/// share the empty organization.
enum PersonIdentity {
    static func organization(of request: NewReferral) -> String {
        request.referrerOrganizationID?.nonBlank ?? ""
    }

    /// For the migration: the organization of a person's first referral, for rows made before the change.
    static let firstReferrerSQL = """
        coalesce((SELECT r.referrer_organization_id FROM referral r WHERE r.person_id = p.id \
        ORDER BY r.created_at, r.id LIMIT 1), '')
        """
}
