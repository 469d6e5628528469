public import Foundation
import TrellisCore

/// Directory health from the referrals: services agencies reject for reasons that mean the record is wrong.
extension SQLStore {
    public func rejectedServices(since: Date, moreThan threshold: Int) async throws -> [RejectedService] {
        try await plainRead { session in
            // Each rejection's reason as recorded in the referral's history (ids and reasons only: no person's data).
            var counts: [String: (organization: String, noCapacity: Int, notEligible: Int)] = [:]
            for row in try await session.rows("""
                SELECT r.service_id, r.organization_id, h.reason, h.outcome_code FROM referral_history h JOIN referral r ON r.id = h.referral_id
                WHERE h.to_status = 'rejected' AND h.from_status <> 'rejected' AND h.at >= \(since) AND (h.reason IS NOT NULL OR h.outcome_code IS NOT NULL)
                """) {
                // The outcome code when the rejection carried one; an older rejection's text otherwise.
                let code = (try row[3] as String?).flatMap(AgencyAnswerReason.init(rawValue:))
                let reason: String? = try row[2]
                guard let kind = code.map(RejectionReason.init(code:)) ?? reason.flatMap(RejectionReason.init(text:)) else { continue }
                let service: String = try row[0]
                let organization: String = try row[1]
                var entry = counts[service] ?? (organization, 0, 0)
                switch kind {
                case .noCapacity: entry.noCapacity += 1
                case .notEligible: entry.notEligible += 1
                }
                counts[service] = entry
            }
            let flagged = counts.filter { $0.value.noCapacity + $0.value.notEligible > threshold }
            guard !flagged.isEmpty else { return [] }
            var names: [String: Service] = [:]
            for row in try await session.rows("SELECT id, document FROM directory_service WHERE id IN \(list: Array(flagged.keys))") {
                let document: String = try row[1]
                names[try row[0]] = try? DirectoryDocuments.decode(document)
            }
            return flagged.map { id, entry in
                RejectedService(serviceID: id, serviceName: names[id]?.name, organizationID: entry.organization,
                                organizationName: names[id]?.organizationName, noCapacity: entry.noCapacity, notEligible: entry.notEligible)
            }.sorted { ($0.organizationID, $1.total, $0.serviceID) < ($1.organizationID, $0.total, $1.serviceID) }
        }
    }
}
