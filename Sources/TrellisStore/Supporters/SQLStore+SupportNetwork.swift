public import Foundation
public import TrellisCore

/// What the pages need to suggest a peer specialist: how often a person's referrals were rejected, and
/// whether a referral's person has a peer mentor in their network.
extension SQLStore: SupportNetworkRepository {
    public func rejections(personRef: String, referrerOrganizationID: String?) async throws -> Int {
        let organization = referrerOrganizationID?.nonBlank ?? ""
        return try await plainRead { session in
            try await session.value("""
                SELECT count(*) FROM referral r JOIN person p ON p.id = r.person_id
                WHERE p.organization_id = \(organization) AND p.ref = \(personRef) AND r.status = 'rejected'
                """, as: Int.self) ?? 0
        }
    }

    public func suggestsPeerSpecialist(referralID: String, context: AuditContext) async throws -> Bool {
        try await reading { session, audit in
            guard let row = try await session.firstRow("""
                SELECT r.highest_urgency, r.person_id,
                    (SELECT count(*) FROM referral o WHERE o.person_id = r.person_id AND o.status = 'rejected')
                FROM referral r WHERE r.id = \(referralID)
                """) else { return false }
            let urgency: String? = try row[0]
            let personID: String = try row[1]
            let rejections: Int = try row[2]
            guard urgency == NeedsProfile.Urgency.crisis.rawValue || rejections >= 2 else { return false }
            let sealed = try await session.rows("SELECT position, sealed_supporter FROM referral_supporter WHERE referral_id = \(referralID)")
            guard !sealed.isEmpty else { return true }
            // The relations are sealed with the rest of each supporter: opening them is a read of the person's data.
            audit.record(context.entry(.read, "person", personID, detail: "support network of \(referralID): relations only"))
            for row in sealed {
                let position: Int = try row[0]
                let supporter = try JSONDecoder().decode(Supporter.self, from: try configuration.cipher.open(
                    try row[1], owner: SupporterRows.owner(referralID: referralID, position: position), field: "supporter"))
                if supporter.relation == .peerMentor { return false }
            }
            return true
        }
    }
}
