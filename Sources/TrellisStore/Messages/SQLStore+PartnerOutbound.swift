public import Foundation
import TrellisCore

/// The outbound partner message queue: claimed with what each payload needs, each attempt recorded
/// and audited, exactly as the referral outbox is.
extension SQLStore {
    public func claimPartnerMessages(owner: String, now: Date, lease: TimeInterval, limit: Int, skipping: Set<String>,
                                     context: AuditContext) async throws -> [PartnerOutboundClaim] {
        let skipped: SQLQuery = skipping.isEmpty ? ""
            : " AND referral_id NOT IN (SELECT id FROM referral WHERE organization_id IN \(list: skipping.sorted()))"
        let leaseUntil = now.addingTimeInterval(lease)
        let sealed = try await change { session, audit -> [SealedOutbound] in
            let leased = try await session.rows("""
                UPDATE partner_outbound SET state = 'claimed', lease_owner = \(owner), lease_until = \(leaseUntil), updated_at = \(now)
                WHERE id IN (
                    SELECT id FROM partner_outbound
                    WHERE ((state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= \(now))) OR (state = 'claimed' AND lease_until <= \(now)))\(skipped)
                    ORDER BY next_attempt_at, seq LIMIT \(max(0, limit))\(unescaped: database.skipLockedRows))
                RETURNING id, referral_id, kind, message_id, reason, idempotency_key, attempts, created_at, seq
                """)
            var claims: [SealedOutbound] = []
            for row in leased {
                let id: String = try row[0]
                let referralID: String = try row[1]
                guard let referral = try await ReferralRows.referral(id: referralID, in: session),
                      let consentRow = try await session.firstRow("""
                          \(unescaped: ReferralRows.consentColumns) FROM consent c WHERE c.id = \(referral.consentID)
                          """) else { throw StoreError.referralNotFound(referralID) }
                let kind = PartnerOutboundKind(rawValue: try row[2]) ?? .message
                var message: SealedMessage?
                if let messageID = try row[3] as String? {
                    message = try await MessageRows.sealed(id: messageID, in: session)
                    if message != nil { audit.record(context.entry(.read, "referral_message", messageID, detail: "for partner message \(id)")) }
                }
                claims.append(SealedOutbound(seq: try row[8], id: id, kind: kind, referral: referral, consent: try ReferralRows.consent(consentRow), reason: try row[4],
                                             message: message, idempotencyKey: try row[5], attempts: try row[6], enqueuedAt: try row[7]))
            }
            return claims.sorted { $0.seq < $1.seq }
        }
        // Opened after the commit: decryption need not hold the write transaction.
        return try sealed.map { claim in
            PartnerOutboundClaim(id: claim.id, kind: claim.kind, referral: claim.referral, consent: claim.consent, reason: claim.reason,
                                 message: try claim.message?.open(with: configuration.cipher), idempotencyKey: claim.idempotencyKey,
                                 attempts: claim.attempts, enqueuedAt: claim.enqueuedAt)
        }
    }

    public func recordPartnerMessages(_ reports: [PartnerOutboundReport], context: AuditContext) async throws {
        guard !reports.isEmpty else { return }
        try await change { session, audit in
            for report in reports {
                if let attempt = report.attempt {
                    try await session.execute("""
                        INSERT INTO partner_outbound_attempt (outbound_id, at, duration_ms, http_status, error_class, response_excerpt, outcome)
                        VALUES (\(report.id), \(attempt.at), \(attempt.durationMS), \(attempt.httpStatus), \(attempt.errorClass),
                                \(attempt.responseExcerpt), \(attempt.outcome.rawValue))
                        """)
                }
                let resolution = report.resolution
                try await session.execute("""
                    UPDATE partner_outbound SET state = \(resolution.state.rawValue), attempts = attempts + \(report.attempt == nil ? 0 : 1),
                        next_attempt_at = \(resolution.nextAttemptAt), last_error = \(resolution.lastError ?? report.problem),
                        lease_owner = NULL, lease_until = NULL, updated_at = \(context.now)
                    WHERE id = \(report.id) AND state = 'claimed' AND lease_owner = \(report.owner)
                    """)
                audit.record(report.auditEntry(context))
            }
        }
    }

    public func releasePartnerMessage(id: String, owner: String, until: Date) async throws {
        try await database.write { session in
            try await session.execute("""
                UPDATE partner_outbound SET state = 'pending', next_attempt_at = \(until), lease_owner = NULL, lease_until = NULL
                WHERE id = \(id) AND state = 'claimed' AND lease_owner = \(owner)
                """)
        }
    }

    public func nextPartnerMessageDue() async throws -> Date? {
        try await plainRead { session in
            try await session.value("""
                SELECT MIN(due) FROM (
                    SELECT MIN(COALESCE(next_attempt_at, created_at)) AS due FROM partner_outbound WHERE state = 'pending'
                    UNION ALL SELECT MIN(lease_until) FROM partner_outbound WHERE state = 'claimed') AS soonest
                """, as: Date?.self) ?? nil
        }
    }

    public func partnerMessages(referralID: String) async throws -> [PartnerOutboundEntry] {
        try await plainRead { session in
            try await session.rows("""
                SELECT id, kind, state, attempts, next_attempt_at, last_error, created_at FROM partner_outbound
                WHERE referral_id = \(referralID) ORDER BY seq
                """).map { row in
                PartnerOutboundEntry(id: try row[0], kind: PartnerOutboundKind(rawValue: try row[1]) ?? .message,
                                     state: OutboxEntry.State(rawValue: try row[2]) ?? .pending, attempts: try row[3], nextAttemptAt: try row[4],
                                     lastError: try row[5], createdAt: try row[6])
            }
        }
    }
}

/// A claim as read in the claiming transaction, its message still sealed.
private struct SealedOutbound: Sendable {
    /// Queue order: sent in the order they were queued.
    var seq: Int
    var id: String
    var kind: PartnerOutboundKind
    var referral: Referral
    var consent: StoredConsent
    var reason: String?
    var message: SealedMessage?
    var idempotencyKey: String
    var attempts: Int
    var enqueuedAt: Date
}
