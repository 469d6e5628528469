public import Foundation
public import TrellisCore

/// Reading referrals: each read of one is audited (a refused one too), a list as one read.
extension SQLStore {
    public func referral(id: String, scope: ReferralScope, context: AuditContext) async throws -> Referral {
        let found = try await reading { session, audit -> Referral? in
            let stored = try await ReferralRows.referral(id: id, in: session)
            let delivered = stored == nil ? false : try await ReferralRows.isDelivered(id, in: session)
            guard var referral = stored, scope.admits(referral, delivered: delivered) else {
                audit.record(context.entry(.read, "referral", id, outcome: stored == nil ? .failure : .denied,
                                           detail: stored == nil ? "not found" : "refused: outside the caller's scope"))
                return nil
            }
            referral.history = try await ReferralRows.history(of: id, in: session)
            audit.record(context.entry(.read, "referral", id))
            return referral
        }
        guard let found else { throw StoreError.referralNotFound(id) }
        return found
    }

    public func referrals(_ filter: ReferralFilter, context: AuditContext) async throws -> [Referral] {
        try await reading { session, audit in
            var clauses: [SQLQuery] = []
            if let status = filter.status { clauses.append("status = \(status.rawValue)") }
            if let organization = filter.organizationID { clauses.append("organization_id = \(organization)") }
            if let creator = filter.createdBy { clauses.append("created_by = \(creator)") }
            if let referrer = filter.referrerOrganizationID { clauses.append("referrer_organization_id = \(referrer)") }
            if let now = filter.overdueAt { clauses.append("status = 'requested' AND respond_by <= \(now)") }
            if let now = filter.followUpDueAt {
                let day = configuration.calendar.day(of: now)
                clauses.append("status = 'completed' AND follow_up_on IS NOT NULL AND follow_up_on <= \(day.description) AND follow_up_done_at IS NULL")
            }
            if filter.needsNextStep { clauses.append("status IN ('rejected', 'failed') AND next_referral_id IS NULL") }
            switch filter.scope {
            case .everything: break
            case .referredBy(let organization): clauses.append("referrer_organization_id = \(organization)")
            case .addressedTo(let organizations):
                clauses.append("organization_id IN \(list: organizations)")
                clauses.append("\(unescaped: ReferralScope.reachedPartnerSQL)")
            }
            let filtered: SQLQuery = clauses.isEmpty ? "" : " WHERE " + SQLQuery.joined(clauses, separator: " AND ")
            let list = try await session.rows("""
                \(unescaped: ReferralRows.columns) FROM referral\(filtered) ORDER BY created_at DESC, id
                LIMIT \(max(0, min(filter.limit, 10_000))) OFFSET \(max(0, filter.offset))
                """).map(ReferralRows.referral)
            audit.record(context.entry(.read, "referral", "*", detail: "list of \(list.count)"))
            return list
        }
    }

    public var businessCalendar: BusinessCalendar { configuration.calendar }

    public func consent(referralID: String, context: AuditContext) async throws -> StoredConsent {
        try await reading { session, audit in
            guard let row = try await session.firstRow("""
                \(unescaped: ReferralRows.consentColumns) FROM consent c JOIN referral r ON r.consent_id = c.id WHERE r.id = \(referralID)
                """) else { throw StoreError.referralNotFound(referralID) }
            let consent = try ReferralRows.consent(row)
            audit.record(context.entry(.read, "consent", consent.id, detail: "for \(referralID)"))
            return consent
        }
    }

    public func person(referralID: String, context: AuditContext) async throws -> PersonDetails {
        let sealed = try await reading { session, audit -> SealedPerson in
            guard let row = try await session.firstRow("""
                SELECT \(unescaped: ReferralRows.sealedPersonColumns)
                FROM referral r JOIN person p ON p.id = r.person_id JOIN needs_profile n ON n.id = r.profile_id WHERE r.id = \(referralID)
                """) else { throw StoreError.referralNotFound(referralID) }
            let sealed = try ReferralRows.sealedPerson(row, from: 0, referralID: referralID)
            audit.record(context.entry(.read, "person", sealed.personID, detail: "for \(referralID)"))
            return sealed
        }
        return try sealed.open(with: configuration.cipher)
    }

    public func outboxEntry(referralID: String) async throws -> OutboxEntry? {
        try await plainRead { session in try await ReferralRows.outboxEntry(referralID, in: session) }
    }

    public func recipientOrganization(referralID: String) async throws -> String? {
        try await plainRead { session in try await session.value("SELECT organization_id FROM referral WHERE id = \(referralID)", as: String.self) }
    }

    public func loopClosureReport(from: Date, to: Date, now: Date, referrerOrganizationID: String?) async throws -> LoopClosureReport {
        let onlyReferrer: SQLQuery = referrerOrganizationID.map { " AND referrer_organization_id = \($0)" } ?? ""
        return try await plainRead { session in
            // A rejection's reason is its own row's, not a later row that only links the next referral (rejected to rejected).
            let rows = try await session.rows("""
                SELECT organization_id, status, requested_at, first_answered_at,
                    EXISTS (SELECT 1 FROM referral_history h WHERE h.referral_id = referral.id AND h.to_status = 'accepted'),
                    (SELECT h.reason FROM referral_history h WHERE h.referral_id = referral.id AND h.to_status = 'rejected'
                        AND h.from_status <> 'rejected' ORDER BY h.id DESC LIMIT 1),
                    outcome_code, need_domains, next_referral_id IS NOT NULL, contact_attempts
                FROM referral WHERE requested_at >= \(from) AND requested_at < \(to)\(onlyReferrer)
                """).map { row in
                let domains: String = try row[7]
                return LoopClosureReport.Row(organizationID: try row[0], status: ReferralStatus(rawValue: try row[1]) ?? .requested,
                                             requestedAt: try row[2], firstAnsweredAt: try row[3], everAccepted: try row[4], rejectionReason: try row[5],
                                             outcomeCode: try row[6], needDomains: domains.split(separator: ",").map(String.init),
                                             reReferred: try row[8], contactAttempts: try row[9])
            }
            var overdue: [String: Int] = [:]
            for row in try await session.rows("""
                SELECT organization_id, count(*) FROM referral WHERE status = 'requested' AND respond_by <= \(now)\(onlyReferrer) GROUP BY organization_id
                """) {
                overdue[try row[0]] = try row[1]
            }
            return LoopClosureReport(from: from, to: to, now: now, rows: rows, overdue: overdue)
        }
    }
}
