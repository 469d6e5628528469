import Foundation
import TrellisCore

/// The rows behind a referral, read and written the same way on both backends.
enum ReferralRows {
    /// The columns `referral(_:)` reads, by position.
    static let columns = """
        SELECT id, status, service_id, organization_id, person_ref, consent_id, need_domains, created_at, created_by,
            requested_at, respond_by, first_answered_at, updated_at, version, referrer_organization_id,
            EXISTS (SELECT 1 FROM directory_service d WHERE d.id = referral.service_id AND d.withdrawn_at IS NOT NULL),
            outcome_code, outcome_text, contact_attempts, previous_referral_id, next_referral_id, follow_up_on, follow_up_done_at
        """

    static func referral(_ row: any SQLRow) throws -> Referral {
        let id: String = try row[0]
        guard let status = ReferralStatus(rawValue: try row[1]) else { throw StoreError.invalid(field: "referral \(id).status", reason: "unknown status") }
        let domains: String = try row[6]
        var referral = Referral(id: id, status: status, serviceID: try row[2], organizationID: try row[3], personRef: try row[4], consentID: try row[5],
                        needDomains: domains.split(separator: ",").compactMap { NeedDomain(rawValue: String($0)) },
                        createdAt: try row[7], createdBy: try row[8], requestedAt: try row[9], respondBy: try row[10],
                        firstAnsweredAt: try row[11], updatedAt: try row[12], version: try row[13], referrerOrganizationID: try row[14],
                        serviceWithdrawn: try row[15])
        referral.outcome = outcome(code: try row[16], text: try row[17])
        let attempts: Int = try row[18]
        referral.contactAttempts = attempts > 0 ? attempts : nil
        referral.previousReferralID = try row[19]
        referral.nextReferralID = try row[20]
        referral.followUpOn = (try row[21] as String?).flatMap { CalendarDay(iso: $0) }
        referral.followUpDoneAt = try row[22]
        return referral
    }

    /// An outcome as stored: its code and text columns (nil when no code, or one no longer known).
    static func outcome(code: String?, text: String?) -> ReferralOutcome? {
        code.flatMap(AgencyAnswerReason.init(rawValue:)).map { ReferralOutcome(code: $0, text: text) }
    }

    static func referral(id: String, in session: any SQLSession) async throws -> Referral? {
        try await session.firstRow("\(unescaped: columns) FROM referral WHERE id = \(id)").map(referral)
    }

    static func history(of id: String, in session: any SQLSession) async throws -> [ReferralStatusChange] {
        try await session.rows("""
            SELECT at, actor, party, from_status, to_status, reason, source, outcome_code, outcome_text, business_status, related_referral_id
            FROM referral_history WHERE referral_id = \(id) ORDER BY id
            """).map { row in
            ReferralStatusChange(at: try row[0], actor: try row[1], party: ReferralParty(rawValue: try row[2]) ?? .referrer,
                                 from: (try row[3] as String?).flatMap(ReferralStatus.init(rawValue:)),
                                 to: ReferralStatus(rawValue: try row[4]) ?? .enteredInError, reason: try row[5],
                                 source: ReferralStatusChange.Source(rawValue: try row[6]) ?? .system,
                                 outcome: outcome(code: try row[7], text: try row[8]),
                                 businessStatus: (try row[9] as String?).flatMap(ReferralBusinessStatus.init(rawValue:)),
                                 relatedReferralID: try row[10])
        }
    }

    static func insert(_ change: ReferralStatusChange, for id: String, in session: any SQLSession) async throws {
        try await session.execute("""
            INSERT INTO referral_history (referral_id, at, actor, party, from_status, to_status, reason, source,
                outcome_code, outcome_text, business_status, related_referral_id)
            VALUES (\(id), \(change.at), \(change.actor), \(change.party.rawValue), \(change.from?.rawValue), \(change.to.rawValue),
                    \(change.reason), \(change.source.rawValue), \(change.outcome?.code.rawValue), \(change.outcome?.text),
                    \(change.businessStatus?.rawValue), \(change.relatedReferralID))
            """)
    }

    /// Applies a status move only if nobody else changed the referral since it was read.
    static func update(_ next: Referral, from current: Referral, in session: any SQLSession) async throws {
        let applied = try await session.changed("""
            UPDATE referral SET status = \(next.status.rawValue), version = \(next.version), updated_at = \(next.updatedAt),
                requested_at = \(next.requestedAt), respond_by = \(next.respondBy), first_answered_at = \(next.firstAnsweredAt),
                outcome_code = \(next.outcome?.code.rawValue), outcome_text = \(next.outcome?.text), contact_attempts = \(next.contactAttempts ?? 0),
                follow_up_on = \(next.followUpOn?.description)
            WHERE id = \(next.id) AND version = \(current.version)
            RETURNING 1
            """)
        guard applied else {
            let now = try await referral(id: current.id, in: session)
            throw StoreError.conflict(referral: current.id, expectedVersion: current.version, currentVersion: now?.version ?? current.version + 1,
                                      currentStatus: now?.status ?? current.status)
        }
    }

    static func enqueue(_ id: String, at now: Date, in session: any SQLSession) async throws {
        try await session.execute("""
            INSERT INTO outbox (referral_id, idempotency_key, state, attempts, next_attempt_at, created_at, updated_at)
            VALUES (\(id), \(UUID().uuidString.lowercased()), 'pending', 0, \(now), \(now), \(now))
            """)
    }

    /// Nothing more leaves for this referral (cancelled, entered in error, or its consent revoked).
    static func cancelDelivery(of id: String, at now: Date, in session: any SQLSession) async throws {
        try await session.execute("UPDATE outbox SET state = 'cancelled', updated_at = \(now) WHERE referral_id = \(id) AND state IN ('pending', 'claimed')")
    }

    static let outboxColumns = "SELECT referral_id, idempotency_key, state, attempts, next_attempt_at, last_error FROM outbox"

    static func outboxEntry(_ referralID: String, in session: any SQLSession) async throws -> OutboxEntry? {
        try await session.firstRow("\(unescaped: outboxColumns) WHERE referral_id = \(referralID)").map { row in
            OutboxEntry(referralID: try row[0], idempotencyKey: try row[1], state: OutboxEntry.State(rawValue: try row[2]) ?? .pending,
                        attempts: try row[3], nextAttemptAt: try row[4], lastError: try row[5])
        }
    }

    /// Whether the referral reached its recipient: delivered to the partner's endpoint, or sent to an inbox.
    static func isDelivered(_ referralID: String, in session: any SQLSession) async throws -> Bool {
        try await session.value("""
            SELECT CASE WHEN delivery_channel = 'inbox' THEN requested_at IS NOT NULL
                ELSE EXISTS (SELECT 1 FROM outbox o WHERE o.referral_id = referral.id AND o.state = 'delivered') END
            FROM referral WHERE id = \(referralID)
            """, as: Bool.self) ?? false
    }

    static let consentColumns = "SELECT c.id, c.recipient, c.categories, c.method, c.captured_by, c.captured_at, c.expires_at, c.revoked_at"

    /// A consent row read with `consentColumns` from `first` on.
    static func consent(_ row: any SQLRow, from first: Int = 0) throws -> StoredConsent {
        let categories: String = try row[first + 2]
        let consent = Consent(recipient: try row[first + 1], categories: Set(categories.split(separator: ",").compactMap { Consent.Category(rawValue: String($0)) }),
                              method: Consent.Method(rawValue: try row[first + 3]) ?? .verbal, capturedBy: try row[first + 4],
                              capturedAt: try row[first + 5], expiresAt: try row[first + 6], revokedAt: try row[first + 7])
        return StoredConsent(id: try row[first], consent: consent)
    }

    /// Reads the sealed person behind referrals; columns from `first` on: person id, profile id, the
    /// sealed profile, name, phone, e-mail and note.
    static let sealedPersonColumns = "p.id, n.id, n.sealed_document, p.sealed_name, p.sealed_phone, p.sealed_email, r.sealed_note"

    static func sealedPerson(_ row: any SQLRow, from first: Int, referralID: String) throws -> SealedPerson {
        SealedPerson(personID: try row[first], profileID: try row[first + 1], sealedProfile: try row[first + 2], sealedName: try row[first + 3],
                     sealedPhone: try row[first + 4], sealedEmail: try row[first + 5], sealedNote: try row[first + 6], referralID: referralID)
    }

    static func service(id: String, in session: any SQLSession) async throws -> Service? {
        try await session.value("SELECT document FROM directory_service WHERE id = \(id)", as: String.self).map {
            try DirectoryDocuments.decode($0)
        }
    }

    static func isWithdrawn(serviceID: String, in session: any SQLSession) async throws -> Bool {
        try await session.firstRow("SELECT 1 FROM directory_service WHERE id = \(serviceID) AND withdrawn_at IS NOT NULL") != nil
    }

    /// The partner answering for an organization (its plain document: no secrets), when one does.
    static func partner(answeringFor organizationID: String, in session: any SQLSession) async throws -> Partner? {
        try await session.value("""
            SELECT p.document FROM partner p JOIN partner_organization o ON o.partner_id = p.id WHERE o.organization_id = \(organizationID)
            """, as: String.self).map(PartnerDocument.decodePlain)
    }
}
