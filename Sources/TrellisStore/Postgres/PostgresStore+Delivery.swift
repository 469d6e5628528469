public import Foundation
import Logging
import PostgresNIO
import TrellisCore

extension PostgresStore {
    public func claimDeliveries(owner: String, now: Date, lease: TimeInterval, limit: Int, skipping: Set<String>,
                                context: AuditContext) async throws -> [DeliveryClaim] {
        let skipped = skipping.sorted()
        let cipher = configuration.cipher
        let logger = self.logger
        let leaseUntil = now.addingTimeInterval(lease)
        return try await transaction { connection, audit in
            // SKIP LOCKED: workers in other processes claim other rows instead of waiting for these.
            let rows = try await connection.query("""
                UPDATE outbox SET state = 'claimed', lease_owner = \(owner), lease_until = \(leaseUntil), updated_at = \(now)
                WHERE referral_id IN (
                    SELECT referral_id FROM outbox
                    WHERE ((state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= \(now))) OR (state = 'claimed' AND lease_until <= \(now)))
                        AND NOT EXISTS (SELECT 1 FROM referral r WHERE r.id = outbox.referral_id AND r.organization_id = ANY(\(skipped)))
                    ORDER BY next_attempt_at, created_at LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED)
                RETURNING referral_id, idempotency_key, attempts, created_at
                """, logger: logger)
            var leased: [(id: String, key: String, attempts: Int, enqueuedAt: Date)] = []
            for try await row in rows.decode((String, String, Int, Date).self) { leased.append(row) }
            guard !leased.isEmpty else { return [] }
            // Three queries for the whole batch: the referrals, their people and consents, their services.
            let ids = leased.map(\.id)
            var referrals: [String: Referral] = [:]
            for try await row in try await connection.query("\(unescaped: Self.referralColumns) FROM referral WHERE id = ANY(\(ids))", logger: logger) {
                let referral = try Self.referral(row)
                referrals[referral.id] = referral
            }
            var packages: [String: (StoredConsent, PersonDetails)] = [:]
            let packageRows = try await connection.query("""
                SELECT r.id, c.recipient, c.categories, c.method, c.captured_by, c.captured_at, c.expires_at, c.revoked_at,
                       p.id, n.id, n.sealed_document, p.sealed_name, p.sealed_phone, p.sealed_email, r.sealed_note
                FROM referral r JOIN consent c ON c.id = r.consent_id JOIN person p ON p.id = r.person_id
                     JOIN needs_profile n ON n.id = r.profile_id
                WHERE r.id = ANY(\(ids))
                """, logger: logger)
            for try await (id, recipient, categories, method, capturedBy, capturedAt, expiresAt, revokedAt,
                           personID, profileID, profile, name, phone, email, note)
                in packageRows.decode((String, String, String, String, String, Date, Date?, Date?, String, String, Data, Data?, Data?, Data?, Data?).self) {
                guard let referral = referrals[id] else { continue }
                let consent = Self.consent(recipient: recipient, categories: categories, method: method, capturedBy: capturedBy,
                                           capturedAt: capturedAt, expiresAt: expiresAt, revokedAt: revokedAt)
                let person = try SealedPerson(personID: personID, profileID: profileID, sealedProfile: profile, sealedName: name, sealedPhone: phone,
                                              sealedEmail: email, sealedNote: note, referralID: id).open(with: cipher)
                packages[id] = (StoredConsent(id: referral.consentID, consent: consent), person)
            }
            var services: [String: Service] = [:]
            let serviceIDs = Array(Set(referrals.values.map(\.serviceID)))
            for try await (id, document) in try await connection.query("SELECT id, document FROM directory_service WHERE id = ANY(\(serviceIDs))",
                                                                       logger: logger).decode((String, String).self) {
                services[id] = try JSONDecoder().decode(Service.self, from: Data(document.utf8))
            }
            var claims: [DeliveryClaim] = []
            for row in leased.sorted(by: { $0.enqueuedAt < $1.enqueuedAt }) {
                guard let referral = referrals[row.id], let (consent, person) = packages[row.id] else { throw StoreError.referralNotFound(row.id) }
                audit.record(context.entry(.read, "person", person.personID, detail: "for delivery of \(row.id)"))
                claims.append(DeliveryClaim(referral: referral, idempotencyKey: row.key, attempts: row.attempts, enqueuedAt: row.enqueuedAt,
                                            consent: consent, person: person, service: services[referral.serviceID]))
            }
            return claims
        }
    }

    public func recordDeliveries(_ reports: [DeliveryReport], context: AuditContext) async throws {
        guard !reports.isEmpty else { return }
        let logger = self.logger
        try await transaction { connection, audit in
            for report in reports {
                if let attempt = report.attempt {
                    try await connection.query("""
                        INSERT INTO delivery_attempt (referral_id, at, duration_ms, http_status, error_class, response_excerpt, outcome)
                        VALUES (\(report.referralID), \(attempt.at), \(attempt.durationMS), \(attempt.httpStatus), \(attempt.errorClass),
                                \(attempt.responseExcerpt), \(attempt.outcome.rawValue))
                        """, logger: logger)
                }
                let resolution = report.resolution
                let increment = report.attempt == nil ? 0 : 1
                try await connection.query("""
                    UPDATE outbox SET state = \(resolution.state.rawValue), attempts = attempts + \(increment), next_attempt_at = \(resolution.nextAttemptAt),
                        last_error = \(resolution.lastError ?? report.problem), lease_owner = NULL, lease_until = NULL, updated_at = \(context.now)
                    WHERE referral_id = \(report.referralID) AND state = 'claimed' AND lease_owner = \(report.owner)
                    """, logger: logger)
                audit.record(report.auditEntry(context))
            }
        }
    }

    public func releaseDelivery(referralID: String, owner: String, until: Date) async throws {
        try await client.query("""
            UPDATE outbox SET state = 'pending', next_attempt_at = \(until), lease_owner = NULL, lease_until = NULL
            WHERE referral_id = \(referralID) AND state = 'claimed' AND lease_owner = \(owner)
            """, logger: logger)
    }

    public func markUndeliverable(organizations: [String], reason: String, context: AuditContext) async throws -> [String] {
        let logger = self.logger
        return try await transaction { connection, audit in
            let rows = try await connection.query("""
                UPDATE outbox o SET state = 'undeliverable', last_error = \(reason), lease_owner = NULL, lease_until = NULL, updated_at = \(context.now)
                FROM referral r
                WHERE r.id = o.referral_id AND o.state IN ('pending', 'claimed') AND r.organization_id = ANY(\(organizations))
                RETURNING o.referral_id
                """, logger: logger)
            var ids: [String] = []
            for try await id in rows.decode(String.self) { ids.append(id) }
            ids.sort()
            for id in ids { audit.record(context.entry(.update, "outbox", id, outcome: .failure, detail: "undeliverable: \(reason)")) }
            return ids
        }
    }

    public func retryDelivery(referralID: String, context: AuditContext) async throws -> OutboxEntry {
        let logger = self.logger
        return try await auditingRefusals(.update, "outbox", referralID, context: context) { try await transaction { connection, audit in
            guard let row = try await Self.first(connection.query("""
                SELECT o.state, r.status FROM outbox o JOIN referral r ON r.id = o.referral_id WHERE o.referral_id = \(referralID) FOR UPDATE OF o
                """, logger: logger)) else { throw StoreError.referralNotFound(referralID) }
            let (state, status) = try row.decode((String, String).self)
            try ReferralRules.checkRetry(referralID, outboxState: state, referralStatus: status)
            try await connection.query("""
                UPDATE outbox SET state = 'pending', next_attempt_at = \(context.now), created_at = \(context.now), lease_owner = NULL,
                    lease_until = NULL, updated_at = \(context.now)
                WHERE referral_id = \(referralID)
                """, logger: logger)
            audit.record(context.entry(.update, "outbox", referralID, detail: "sent again by hand (was \(state))"))
            return try await Self.outboxEntry(referralID, on: connection, logger: logger)!
        } }
    }

    public func deliveryAttempts(referralID: String) async throws -> [DeliveryAttempt] {
        let rows = try await client.query("""
            SELECT at, duration_ms, http_status, error_class, response_excerpt, outcome FROM delivery_attempt
            WHERE referral_id = \(referralID) ORDER BY id
            """, logger: logger)
        var attempts: [DeliveryAttempt] = []
        for row in rows {
            let (at, duration, status, errorClass, excerpt, outcome) = try row.decode((Date, Double, Int?, String?, String?, String).self)
            attempts.append(DeliveryAttempt(at: at, durationMS: duration, httpStatus: status, errorClass: errorClass, responseExcerpt: excerpt,
                                            outcome: DeliveryAttempt.Outcome(rawValue: outcome) ?? .failed))
        }
        return attempts
    }

    public func nextDeliveryDue() async throws -> Date? {
        let rows = try await client.query("""
            SELECT LEAST((SELECT MIN(COALESCE(next_attempt_at, created_at)) FROM outbox WHERE state = 'pending'),
                         (SELECT MIN(lease_until) FROM outbox WHERE state = 'claimed'))
            """, logger: logger)
        for row in rows { return try row.decode(Date?.self) }
        return nil
    }

    static func outboxEntry(_ referralID: String, on connection: PostgresConnection, logger: Logger) async throws -> OutboxEntry? {
        let rows = try await connection.query("""
            SELECT referral_id, idempotency_key, state, attempts, next_attempt_at, last_error FROM outbox WHERE referral_id = \(referralID)
            """, logger: logger)
        for try await (id, key, state, attempts, next, error) in rows.decode((String, String, String, Int, Date?, String?).self) {
            return OutboxEntry(referralID: id, idempotencyKey: key, state: OutboxEntry.State(rawValue: state) ?? .pending,
                               attempts: attempts, nextAttemptAt: next, lastError: error)
        }
        return nil
    }

    static func consent(recipient: String, categories: String, method: String, capturedBy: String, capturedAt: Date,
                        expiresAt: Date?, revokedAt: Date?) -> Consent {
        Consent(recipient: recipient, categories: Set(categories.split(separator: ",").compactMap { Consent.Category(rawValue: String($0)) }),
                method: Consent.Method(rawValue: method) ?? .verbal, capturedBy: capturedBy, capturedAt: capturedAt,
                expiresAt: expiresAt, revokedAt: revokedAt)
    }
}
