public import Foundation
import TrellisCore

/// The equity report: counts only, read from the clear facts kept on each referral (never the sealed profile).
extension SQLStore {
    public func equityReport(from: Date, to: Date, now: Date, referrerOrganizationID: String?) async throws -> EquityReport {
        let onlyReferrer: SQLQuery = referrerOrganizationID.map { " AND referrer_organization_id = \($0)" } ?? ""
        let referrals = try await plainRead { session in
            try await session.rows("""
                SELECT person_id, need_domains, primary_language, interpreter_needed, age_band, highest_urgency, status, requested_at,
                    first_answered_at, EXISTS (SELECT 1 FROM referral_history h WHERE h.referral_id = referral.id AND h.to_status = 'accepted')
                FROM referral WHERE requested_at >= \(from) AND requested_at < \(to)\(onlyReferrer)
                """).map { row in
                let domains: String = try row[1]
                return EquityReport.Referral(personID: try row[0], domains: domains.split(separator: ",").compactMap { NeedDomain(rawValue: String($0)) },
                                             language: try row[2], interpreterNeeded: try row[3], ageBand: try row[4], urgency: try row[5],
                                             status: ReferralStatus(rawValue: try row[6]) ?? .requested, requestedAt: try row[7],
                                             firstAnsweredAt: try row[8], everAccepted: try row[9])
            }
        }
        return EquityReport(from: from, to: to, now: now, organizationID: referrerOrganizationID, referrals: referrals)
    }
}
