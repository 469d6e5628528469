public import Foundation
import GRDB
import TrellisCore

extension SQLiteStore {
    public func claimDeliveries(owner: String, now: Date, lease: TimeInterval, limit: Int, skipping: Set<String>,
                                context: AuditContext) async throws -> [DeliveryClaim] {
        let cipher = configuration.cipher
        let skipped = skipping.sorted()
        let skipClause = skipped.isEmpty ? "" :
            " AND referral_id NOT IN (SELECT id FROM referral WHERE organization_id IN (\(databaseQuestionMarks(count: skipped.count))))"
        return try await transaction { db, audit in
            // SQLite has one writer at a time, so selecting and leasing in one write transaction is a claim.
            let due = try Row.fetchAll(db, sql: """
                SELECT referral_id, idempotency_key, attempts, created_at FROM outbox
                WHERE ((state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)) OR (state = 'claimed' AND lease_until <= ?))\(skipClause)
                ORDER BY next_attempt_at, created_at LIMIT ?
                """, arguments: [now, now] + StatementArguments(skipped) + [limit])
            var claims: [DeliveryClaim] = []
            for row in due {
                let id: String = row["referral_id"]
                try db.execute(sql: "UPDATE outbox SET state = 'claimed', lease_owner = ?, lease_until = ?, updated_at = ? WHERE referral_id = ?",
                               arguments: [owner, now.addingTimeInterval(lease), now, id])
                guard let referral = try Self.referral(id: id, in: db),
                      let package = try Row.fetchOne(db, sql: """
                        SELECT c.id AS consent_id, c.recipient, c.categories, c.method, c.captured_by, c.captured_at, c.expires_at, c.revoked_at,
                               p.id AS person_id, p.sealed_name, p.sealed_phone, p.sealed_email, n.id AS profile_id, n.sealed_document, r.sealed_note
                        FROM referral r JOIN consent c ON c.id = r.consent_id JOIN person p ON p.id = r.person_id
                             JOIN needs_profile n ON n.id = r.profile_id
                        WHERE r.id = ?
                        """, arguments: [id]) else { throw StoreError.referralNotFound(id) }
                let person = try SealedPerson(personID: package["person_id"], profileID: package["profile_id"], sealedProfile: package["sealed_document"],
                                              sealedName: package["sealed_name"], sealedPhone: package["sealed_phone"],
                                              sealedEmail: package["sealed_email"], sealedNote: package["sealed_note"],
                                              referralID: id).open(with: cipher)
                try audit.append(context.entry(.read, "person", person.personID, detail: "for delivery of \(id)"), in: db)
                claims.append(DeliveryClaim(referral: referral, idempotencyKey: row["idempotency_key"], attempts: row["attempts"],
                                            enqueuedAt: row["created_at"], consent: Self.storedConsent(package), person: person,
                                            service: try Self.service(id: referral.serviceID, in: db)))
            }
            return claims
        }
    }

    public func recordDeliveries(_ reports: [DeliveryReport], context: AuditContext) async throws {
        guard !reports.isEmpty else { return }
        try await transaction { db, audit in
            for report in reports {
                if let attempt = report.attempt {
                    try db.execute(sql: """
                        INSERT INTO delivery_attempt (referral_id, at, duration_ms, http_status, error_class, response_excerpt, outcome)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [report.referralID, attempt.at, attempt.durationMS, attempt.httpStatus, attempt.errorClass,
                                         attempt.responseExcerpt, attempt.outcome.rawValue])
                }
                try db.execute(sql: """
                    UPDATE outbox SET state = ?, attempts = attempts + ?, next_attempt_at = ?, last_error = ?, lease_owner = NULL,
                        lease_until = NULL, updated_at = ?
                    WHERE referral_id = ? AND state = 'claimed' AND lease_owner = ?
                    """, arguments: [report.resolution.state.rawValue, report.attempt == nil ? 0 : 1, report.resolution.nextAttemptAt,
                                     report.resolution.lastError ?? report.problem, context.now, report.referralID, report.owner])
                try audit.append(report.auditEntry(context), in: db)
            }
        }
    }

    public func releaseDelivery(referralID: String, owner: String, until: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE outbox SET state = 'pending', next_attempt_at = ?, lease_owner = NULL, lease_until = NULL
                WHERE referral_id = ? AND state = 'claimed' AND lease_owner = ?
                """, arguments: [until, referralID, owner])
        }
    }

    public func markUndeliverable(organizations: [String], reason: String, context: AuditContext) async throws -> [String] {
        try await transaction { db, audit in
            let marks = databaseQuestionMarks(count: organizations.count)
            let ids = try String.fetchAll(db, sql: """
                SELECT o.referral_id FROM outbox o JOIN referral r ON r.id = o.referral_id
                WHERE o.state IN ('pending', 'claimed') AND r.organization_id IN (\(marks)) ORDER BY o.referral_id
                """, arguments: StatementArguments(organizations))
            for id in ids {
                try db.execute(sql: """
                    UPDATE outbox SET state = 'undeliverable', last_error = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?
                    WHERE referral_id = ?
                    """, arguments: [reason, context.now, id])
                try audit.append(context.entry(.update, "outbox", id, outcome: .failure, detail: "undeliverable: \(reason)"), in: db)
            }
            return ids
        }
    }

    public func retryDelivery(referralID: String, context: AuditContext) async throws -> OutboxEntry {
        try await auditingRefusals(.update, "outbox", referralID, context: context) { try await transaction { db, audit in
            guard let row = try Row.fetchOne(db, sql: "SELECT o.state, r.status FROM outbox o JOIN referral r ON r.id = o.referral_id WHERE o.referral_id = ?",
                                             arguments: [referralID]) else { throw StoreError.referralNotFound(referralID) }
            try ReferralRules.checkRetry(referralID, outboxState: row["state"], referralStatus: row["status"])
            try db.execute(sql: """
                UPDATE outbox SET state = 'pending', next_attempt_at = ?, created_at = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?
                WHERE referral_id = ?
                """, arguments: [context.now, context.now, context.now, referralID])
            try audit.append(context.entry(.update, "outbox", referralID, detail: "sent again by hand (was \(row["state"] as String))"), in: db)
            return try Self.outboxEntry(referralID, in: db)!
        } }
    }

    public func deliveryAttempts(referralID: String) async throws -> [DeliveryAttempt] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM delivery_attempt WHERE referral_id = ? ORDER BY id", arguments: [referralID]).map { row in
                DeliveryAttempt(at: row["at"], durationMS: row["duration_ms"], httpStatus: row["http_status"], errorClass: row["error_class"],
                                responseExcerpt: row["response_excerpt"], outcome: DeliveryAttempt.Outcome(rawValue: row["outcome"]) ?? .failed)
            }
        }
    }

    public func nextDeliveryDue() async throws -> Date? {
        try await pool.read { db in
            try Date.fetchOne(db, sql: """
                SELECT MIN(due) FROM (
                    SELECT MIN(COALESCE(next_attempt_at, created_at)) AS due FROM outbox WHERE state = 'pending'
                    UNION ALL SELECT MIN(lease_until) FROM outbox WHERE state = 'claimed')
                """)
        }
    }

    static func outboxEntry(_ referralID: String, in db: Database) throws -> OutboxEntry? {
        try Row.fetchOne(db, sql: "SELECT * FROM outbox WHERE referral_id = ?", arguments: [referralID]).map { row in
            OutboxEntry(referralID: row["referral_id"], idempotencyKey: row["idempotency_key"],
                        state: OutboxEntry.State(rawValue: row["state"]) ?? .pending, attempts: row["attempts"],
                        nextAttemptAt: row["next_attempt_at"], lastError: row["last_error"])
        }
    }

    static func storedConsent(_ row: Row) -> StoredConsent {
        let categories = (row["categories"] as String).split(separator: ",").compactMap { Consent.Category(rawValue: String($0)) }
        let consent = Consent(recipient: row["recipient"], categories: Set(categories),
                              method: Consent.Method(rawValue: row["method"]) ?? .verbal, capturedBy: row["captured_by"],
                              capturedAt: row["captured_at"], expiresAt: row["expires_at"], revokedAt: row["revoked_at"])
        return StoredConsent(id: row["consent_id"], consent: consent)
    }
}
