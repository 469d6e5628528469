public import Foundation
import TrellisCore

/// The outbox: claiming due referrals with everything their payload needs, recording what became of
/// each attempt, and sending again by hand.
extension SQLStore {
    public func claimDeliveries(owner: String, now: Date, lease: TimeInterval, limit: Int, skipping: Set<String>,
                                context: AuditContext) async throws -> [DeliveryClaim] {
        let skipped: SQLQuery = skipping.isEmpty ? ""
            : " AND referral_id NOT IN (SELECT id FROM referral WHERE organization_id IN \(list: skipping.sorted()))"
        let leaseUntil = now.addingTimeInterval(lease)
        let sealed = try await change { session, audit -> [SealedClaim] in
            // Leased with a conditional write: a row another worker claimed first is no longer due, and
            // workers in other processes skip the rows being claimed instead of waiting for them.
            let leased = try await session.rows("""
                UPDATE outbox SET state = 'claimed', lease_owner = \(owner), lease_until = \(leaseUntil), updated_at = \(now)
                WHERE referral_id IN (
                    SELECT referral_id FROM outbox
                    WHERE ((state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= \(now))) OR (state = 'claimed' AND lease_until <= \(now)))\(skipped)
                    ORDER BY next_attempt_at, created_at LIMIT \(max(0, limit))\(unescaped: database.skipLockedRows))
                RETURNING referral_id, idempotency_key, attempts, created_at
                """).map { row -> (id: String, key: String, attempts: Int, enqueuedAt: Date) in (try row[0], try row[1], try row[2], try row[3]) }
            guard !leased.isEmpty else { return [] }
            // Three reads for the whole batch: the referrals, their people and consents, their services.
            let ids = leased.map(\.id)
            var referrals: [String: Referral] = [:]
            for row in try await session.rows("\(unescaped: ReferralRows.columns) FROM referral WHERE id IN \(list: ids)") {
                let referral = try ReferralRows.referral(row)
                referrals[referral.id] = referral
            }
            var packages: [String: (StoredConsent, SealedPerson)] = [:]
            for row in try await session.rows("""
                \(unescaped: ReferralRows.consentColumns), r.id, \(unescaped: ReferralRows.sealedPersonColumns)
                FROM referral r JOIN consent c ON c.id = r.consent_id JOIN person p ON p.id = r.person_id JOIN needs_profile n ON n.id = r.profile_id
                WHERE r.id IN \(list: ids)
                """) {
                let id: String = try row[8]
                packages[id] = (try ReferralRows.consent(row), try ReferralRows.sealedPerson(row, from: 9, referralID: id))
            }
            var services: [String: Service] = [:]
            let serviceIDs = Set(referrals.values.map(\.serviceID)).sorted()
            for row in try await session.rows("SELECT id, document FROM directory_service WHERE id IN \(list: serviceIDs)") {
                services[try row[0]] = try DirectoryDocuments.decode(try row[1])
            }
            return try leased.sorted { ($0.enqueuedAt, $0.id) < ($1.enqueuedAt, $1.id) }.map { row in
                guard let referral = referrals[row.id], let (consent, person) = packages[row.id] else { throw StoreError.referralNotFound(row.id) }
                audit.record(context.entry(.read, "person", person.personID, detail: "for delivery of \(row.id)"))
                return SealedClaim(referral: referral, idempotencyKey: row.key, attempts: row.attempts, enqueuedAt: row.enqueuedAt,
                                   consent: consent, person: person, service: services[referral.serviceID])
            }
        }
        // Opened after the commit: decryption is work that need not hold the write transaction.
        return try sealed.map { claim in
            DeliveryClaim(referral: claim.referral, idempotencyKey: claim.idempotencyKey, attempts: claim.attempts, enqueuedAt: claim.enqueuedAt,
                          consent: claim.consent, person: try claim.person.open(with: configuration.cipher), service: claim.service)
        }
    }

    public func recordDeliveries(_ reports: [DeliveryReport], context: AuditContext) async throws {
        guard !reports.isEmpty else { return }
        try await change { session, audit in
            for report in reports {
                if let attempt = report.attempt {
                    try await session.execute("""
                        INSERT INTO delivery_attempt (referral_id, at, duration_ms, http_status, error_class, response_excerpt, outcome)
                        VALUES (\(report.referralID), \(attempt.at), \(attempt.durationMS), \(attempt.httpStatus), \(attempt.errorClass),
                                \(attempt.responseExcerpt), \(attempt.outcome.rawValue))
                        """)
                }
                let resolution = report.resolution
                try await session.execute("""
                    UPDATE outbox SET state = \(resolution.state.rawValue), attempts = attempts + \(report.attempt == nil ? 0 : 1),
                        next_attempt_at = \(resolution.nextAttemptAt), last_error = \(resolution.lastError ?? report.problem),
                        lease_owner = NULL, lease_until = NULL, updated_at = \(context.now)
                    WHERE referral_id = \(report.referralID) AND state = 'claimed' AND lease_owner = \(report.owner)
                    """)
                audit.record(report.auditEntry(context))
            }
        }
    }

    public func releaseDelivery(referralID: String, owner: String, until: Date) async throws {
        try await database.write { session in
            try await session.execute("""
                UPDATE outbox SET state = 'pending', next_attempt_at = \(until), lease_owner = NULL, lease_until = NULL
                WHERE referral_id = \(referralID) AND state = 'claimed' AND lease_owner = \(owner)
                """)
        }
    }

    public func markUndeliverable(organizations: [String], reason: String, context: AuditContext) async throws -> [String] {
        try await change { session, audit in
            let ids = try await session.values("""
                UPDATE outbox SET state = 'undeliverable', last_error = \(reason), lease_owner = NULL, lease_until = NULL, updated_at = \(context.now)
                WHERE state IN ('pending', 'claimed') AND referral_id IN (SELECT id FROM referral WHERE organization_id IN \(list: organizations))
                RETURNING referral_id
                """, as: String.self).sorted()
            for id in ids { audit.record(context.entry(.update, "outbox", id, outcome: .failure, detail: "undeliverable: \(reason)")) }
            return ids
        }
    }

    public func retryDelivery(referralID: String, context: AuditContext) async throws -> OutboxEntry {
        try await auditingRefusals(.update, "outbox", referralID, context: context) { try await change { session, audit in
            guard let row = try await session.firstRow("""
                SELECT o.state, r.status FROM outbox o JOIN referral r ON r.id = o.referral_id WHERE o.referral_id = \(referralID)
                """) else { throw StoreError.referralNotFound(referralID) }
            let state: String = try row[0]
            try ReferralRules.checkRetry(referralID, outboxState: state, referralStatus: try row[1])
            let moved = try await session.changed("""
                UPDATE outbox SET state = 'pending', next_attempt_at = \(context.now), created_at = \(context.now), lease_owner = NULL,
                    lease_until = NULL, updated_at = \(context.now)
                WHERE referral_id = \(referralID) AND state = \(state)
                RETURNING 1
                """)
            guard moved, let entry = try await ReferralRows.outboxEntry(referralID, in: session) else {
                throw StoreError.invalid(field: "referral \(referralID)", reason: "its delivery changed meanwhile; look at it again")
            }
            audit.record(context.entry(.update, "outbox", referralID, detail: "sent again by hand (was \(state))"))
            return entry
        } }
    }

    public func deliveryAttempts(referralID: String) async throws -> [DeliveryAttempt] {
        try await plainRead { session in
            try await session.rows("""
                SELECT at, duration_ms, http_status, error_class, response_excerpt, outcome FROM delivery_attempt WHERE referral_id = \(referralID) ORDER BY id
                """).map { row in
                DeliveryAttempt(at: try row[0], durationMS: try row[1], httpStatus: try row[2], errorClass: try row[3], responseExcerpt: try row[4],
                                outcome: DeliveryAttempt.Outcome(rawValue: try row[5]) ?? .failed)
            }
        }
    }

    public func nextDeliveryDue() async throws -> Date? {
        try await plainRead { session in
            try await session.value("""
                SELECT MIN(due) FROM (
                    SELECT MIN(COALESCE(next_attempt_at, created_at)) AS due FROM outbox WHERE state = 'pending'
                    UNION ALL SELECT MIN(lease_until) FROM outbox WHERE state = 'claimed') AS soonest
                """, as: Date?.self) ?? nil
        }
    }
}

/// A claim as read in the claiming transaction, its person still sealed.
private struct SealedClaim: Sendable {
    var referral: Referral
    var idempotencyKey: String
    var attempts: Int
    var enqueuedAt: Date
    var consent: StoredConsent
    var person: SealedPerson
    var service: Service?
}
