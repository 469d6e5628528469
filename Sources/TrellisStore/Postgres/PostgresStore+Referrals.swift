public import Foundation
import Logging
import PostgresNIO
public import TrellisCore

extension PostgresStore {
    public func createReferral(_ request: NewReferral, context: AuditContext) async throws -> Referral {
        let cipher = configuration.cipher
        let profileDocument = try ReferralRules.storedProfile(request.profile)
        let logger = self.logger
        return try await auditingRefusals(.create, "referral", request.serviceID, context: context) { try await transaction { connection, audit in
            if let key = request.requestKey {
                // Creations with one key take turns, so a retry racing the first attempt finds its referral.
                try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(context.actor + "\u{1F}" + key)))", logger: logger)
                let found = try await Self.first(connection.query(
                    "SELECT id FROM referral WHERE created_by = \(context.actor) AND request_key = \(key)", logger: logger))
                if let id = try found?.decode(String.self), var earlier = try await Self.referral(id: id, locking: false, on: connection, logger: logger) {
                    earlier.history = try await Self.history(of: id, on: connection, logger: logger)
                    audit.record(context.entry(.read, "referral", id, detail: "creation retried with the same key"))
                    return earlier
                }
            }
            guard let service = try await Self.service(id: request.serviceID, on: connection, logger: logger) else {
                throw StoreError.serviceNotFound(request.serviceID)
            }
            try ReferralRules.checkConsent(request.consent, for: service, at: context.now)
            let days = try await Self.deadlineDays(answeringFor: service.organizationID, on: connection, logger: logger)
            let ids = (referral: StoreID.make("ref"), consent: StoreID.make("con"))
            let (referral, change) = ReferralRules.created(request, service: service, ids: ids, context: context,
                                                           deadline: configuration.deadline(businessDays: days))
            let person = try await upsertPerson(request.profile.person, organization: PersonIdentity.organization(of: request),
                                                on: connection, context: context, audit: audit)
            let profileID = StoreID.make("prof")
            let sealedProfile = try cipher.seal(profileDocument, owner: profileID, field: "profile")
            try await connection.query("""
                INSERT INTO needs_profile (id, person_id, created_at, created_by, sealed_document)
                VALUES (\(profileID), \(person), \(context.now), \(context.actor), \(sealedProfile))
                """, logger: logger)
            let consent = request.consent
            let categories = consent.categories.sorted().map(\.rawValue).joined(separator: ",")
            try await connection.query("""
                INSERT INTO consent (id, person_id, recipient, categories, method, captured_by, captured_at, expires_at)
                VALUES (\(ids.consent), \(person), \(consent.recipient), \(categories), \(consent.method.rawValue),
                        \(consent.capturedBy), \(consent.capturedAt), \(consent.expiresAt))
                """, logger: logger)
            let note = try request.note?.nonBlank.map { try cipher.seal($0, owner: referral.id, field: "note") }
            let domains = referral.needDomains.map(\.rawValue).joined(separator: ",")
            try await connection.query("""
                INSERT INTO referral (id, status, service_id, organization_id, person_id, person_ref, profile_id, consent_id,
                    need_domains, created_at, created_by, requested_at, respond_by, updated_at, version, sealed_note, referrer_organization_id,
                    request_key)
                VALUES (\(referral.id), \(referral.status.rawValue), \(referral.serviceID), \(referral.organizationID), \(person),
                        \(referral.personRef), \(profileID), \(ids.consent), \(domains), \(referral.createdAt), \(referral.createdBy),
                        \(referral.requestedAt), \(referral.respondBy), \(referral.updatedAt), \(referral.version), \(note),
                        \(referral.referrerOrganizationID), \(request.requestKey))
                """, logger: logger)
            try await Self.insert(change, for: referral.id, on: connection, logger: logger)
            if referral.status == .requested { try await Self.enqueue(referral.id, at: context.now, on: connection, logger: logger) }
            audit.record(context.entry(.create, "consent", ids.consent, detail: "for \(referral.id) to \(consent.recipient): \(categories)"))
            audit.record(context.entry(.create, "referral", referral.id,
                                       detail: "\(ReferralRules.auditDetail(change)) service \(service.id) organization \(service.organizationID) person \(person)"))
            var created = referral
            created.history = [change]
            return created
        } }
    }

    public func changeStatus(_ request: StatusChangeRequest, context: AuditContext) async throws -> Referral {
        let logger = self.logger
        return try await auditingRefusals(.update, "referral", request.referralID, context: context) { try await transaction { connection, audit in
            guard let current = try await Self.referral(id: request.referralID, locking: true, on: connection, logger: logger) else {
                throw StoreError.referralNotFound(request.referralID)
            }
            if let message = request.partnerMessage {
                let fresh = try await Self.first(connection.query("""
                    INSERT INTO partner_message (partner_id, message_id, referral_id, received_at)
                    VALUES (\(message.partnerID), \(message.messageID), \(request.referralID), \(context.now))
                    ON CONFLICT DO NOTHING RETURNING 1
                    """, logger: logger))
                guard fresh != nil else { throw StoreError.replayedMessage(partner: message.partnerID, message: message.messageID) }
            }
            if let message = request.partnerMessage {
                let delivered = try await Self.outboxState(current.id, on: connection, logger: logger) == OutboxEntry.State.delivered.rawValue
                // A draft, or a referral cancelled before delivery, never reached the partner: not its to answer.
                guard ReferralScope.reachedPartner(current.status, delivered: delivered) else {
                    throw StoreError.notPartnersReferral(partner: message.partnerID, referral: current.id)
                }
            }
            let days = try await Self.deadlineDays(answeringFor: current.organizationID, on: connection, logger: logger)
            let (next, change) = try ReferralRules.applying(request, to: current, context: context,
                                                            deadline: configuration.deadline(businessDays: days))
            try await connection.query("""
                UPDATE referral SET status = \(next.status.rawValue), version = \(next.version), updated_at = \(next.updatedAt),
                    requested_at = \(next.requestedAt), respond_by = \(next.respondBy), first_answered_at = \(next.firstAnsweredAt)
                WHERE id = \(next.id)
                """, logger: logger)
            try await Self.insert(change, for: next.id, on: connection, logger: logger)
            if next.status == .requested && current.status == .draft { try await Self.enqueue(next.id, at: context.now, on: connection, logger: logger) }
            if next.status == .cancelled || next.status == .enteredInError {
                try await connection.query("""
                    UPDATE outbox SET state = 'cancelled', updated_at = \(context.now) WHERE referral_id = \(next.id) AND state IN ('pending', 'claimed')
                    """, logger: logger)
            }
            audit.record(context.entry(.update, "referral", next.id, detail: ReferralRules.auditDetail(change)))
            var result = next
            result.history = try await Self.history(of: next.id, on: connection, logger: logger)
            return result
        } }
    }

    public func referral(id: String, scope: ReferralScope, context: AuditContext) async throws -> Referral {
        let logger = self.logger
        let found = try await transaction { connection, audit -> Referral? in
            let stored = try await Self.referral(id: id, locking: false, on: connection, logger: logger)
            var delivered = false
            if stored != nil { delivered = try await Self.outboxState(id, on: connection, logger: logger) == OutboxEntry.State.delivered.rawValue }
            guard var referral = stored, scope.admits(referral, delivered: delivered) else {
                audit.record(context.entry(.read, "referral", id, outcome: stored == nil ? .failure : .denied,
                                           detail: stored == nil ? "not found" : "refused: outside the caller's scope"))
                return nil
            }
            referral.history = try await Self.history(of: id, on: connection, logger: logger)
            audit.record(context.entry(.read, "referral", id))
            return referral
        }
        guard let found else { throw StoreError.referralNotFound(id) }
        return found
    }

    public func referrals(_ filter: ReferralFilter, context: AuditContext) async throws -> [Referral] {
        let logger = self.logger
        return try await transaction { connection, audit in
            var clauses: [String] = []
            var binds = PostgresBindings()
            func bind(_ value: some PostgresDynamicTypeEncodable) -> String { binds.append(value); return "$\(binds.count)" }
            if let status = filter.status { clauses.append("status = \(bind(status.rawValue))") }
            if let organization = filter.organizationID { clauses.append("organization_id = \(bind(organization))") }
            if let creator = filter.createdBy { clauses.append("created_by = \(bind(creator))") }
            if let referrer = filter.referrerOrganizationID { clauses.append("referrer_organization_id = \(bind(referrer))") }
            if let now = filter.overdueAt { clauses.append("status = 'requested' AND respond_by <= \(bind(now))") }
            switch filter.scope {
            case .everything: break
            case .referredBy(let organization): clauses.append("referrer_organization_id = \(bind(organization))")
            case .addressedTo(let organizations):
                clauses.append("organization_id = ANY(\(bind(organizations)))")
                clauses.append(ReferralScope.reachedPartnerSQL)
            }
            let limit = bind(max(0, min(filter.limit, 10_000)))
            let offset = bind(max(0, filter.offset))
            let sql = Self.referralColumns + " FROM referral" + (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND "))
                + " ORDER BY created_at DESC, id LIMIT \(limit) OFFSET \(offset)"
            var list: [Referral] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
                list.append(try Self.referral(row))
            }
            audit.record(context.entry(.read, "referral", "*", detail: "list of \(list.count)"))
            return list
        }
    }

    public func revokeConsent(referralID: String, context: AuditContext) async throws -> ConsentRevocation {
        let logger = self.logger
        return try await auditingRefusals(.update, "consent", referralID, context: context) { try await transaction { connection, audit in
            guard let referral = try await Self.referral(id: referralID, locking: true, on: connection, logger: logger) else {
                throw StoreError.referralNotFound(referralID)
            }
            let revokedRow = try await Self.first(connection.query("SELECT revoked_at FROM consent WHERE id = \(referral.consentID) FOR UPDATE", logger: logger))
            guard try revokedRow?.decode(Date?.self) == nil else { throw StoreError.consentAlreadyRevoked(referral: referralID) }
            try await connection.query("UPDATE consent SET revoked_at = \(context.now), revoked_by = \(context.actor) WHERE id = \(referral.consentID)", logger: logger)
            audit.record(context.entry(.update, "consent", referral.consentID, detail: "revoked for \(referralID)"))
            let stateRow = try await Self.first(connection.query("SELECT state FROM outbox WHERE referral_id = \(referralID) FOR UPDATE", logger: logger))
            let delivered = try stateRow?.decode(String.self) == OutboxEntry.State.delivered.rawValue
            var cancelled: [String] = []
            if !delivered && (referral.status == .draft || referral.status == .requested) {
                let request = StatusChangeRequest(referralID: referralID, status: .cancelled, party: .referrer,
                                                  reason: "consent revoked", source: .system)
                let (next, change) = try ReferralRules.applying(request, to: referral, context: context, deadline: { $0 })
                try await connection.query("""
                    UPDATE referral SET status = \(next.status.rawValue), version = \(next.version), updated_at = \(next.updatedAt) WHERE id = \(next.id)
                    """, logger: logger)
                try await Self.insert(change, for: next.id, on: connection, logger: logger)
                audit.record(context.entry(.update, "referral", next.id, detail: ReferralRules.auditDetail(change)))
                cancelled.append(next.id)
            }
            try await connection.query("""
                UPDATE outbox SET state = 'cancelled', updated_at = \(context.now) WHERE referral_id = \(referralID) AND state IN ('pending', 'claimed')
                """, logger: logger)
            return ConsentRevocation(referralID: referralID, consentID: referral.consentID, revokedAt: context.now,
                                     cancelled: cancelled, alreadyDelivered: delivered)
        } }
    }

    public func consent(referralID: String, context: AuditContext) async throws -> StoredConsent {
        let logger = self.logger
        return try await transaction { connection, audit in
            guard let row = try await Self.first(connection.query("""
                SELECT c.id, c.recipient, c.categories, c.method, c.captured_by, c.captured_at, c.expires_at, c.revoked_at
                FROM consent c JOIN referral r ON r.consent_id = c.id WHERE r.id = \(referralID)
                """, logger: logger)) else { throw StoreError.referralNotFound(referralID) }
            let (id, recipient, categories, method, capturedBy, capturedAt, expiresAt, revokedAt) =
                try row.decode((String, String, String, String, String, Date, Date?, Date?).self)
            audit.record(context.entry(.read, "consent", id, detail: "for \(referralID)"))
            return StoredConsent(id: id, consent: Self.consent(recipient: recipient, categories: categories, method: method, capturedBy: capturedBy,
                                                              capturedAt: capturedAt, expiresAt: expiresAt, revokedAt: revokedAt))
        }
    }

    public func person(referralID: String, context: AuditContext) async throws -> PersonDetails {
        let cipher = configuration.cipher
        let logger = self.logger
        return try await transaction { connection, audit in
            guard let row = try await Self.first(connection.query("""
                SELECT p.id, n.id, n.sealed_document, p.sealed_name, p.sealed_phone, p.sealed_email, r.sealed_note
                FROM referral r JOIN person p ON p.id = r.person_id JOIN needs_profile n ON n.id = r.profile_id WHERE r.id = \(referralID)
                """, logger: logger)) else { throw StoreError.referralNotFound(referralID) }
            let (personID, profileID, profile, name, phone, email, note) = try row.decode((String, String, Data, Data?, Data?, Data?, Data?).self)
            audit.record(context.entry(.read, "person", personID, detail: "for \(referralID)"))
            return try SealedPerson(personID: personID, profileID: profileID, sealedProfile: profile, sealedName: name, sealedPhone: phone,
                                    sealedEmail: email, sealedNote: note, referralID: referralID).open(with: cipher)
        }
    }

    public func outboxEntry(referralID: String) async throws -> OutboxEntry? {
        let logger = self.logger
        return try await client.withConnection { connection in try await Self.outboxEntry(referralID, on: connection, logger: logger) }
    }

    public func loopClosureReport(from: Date, to: Date, now: Date, referrerOrganizationID: String?) async throws -> LoopClosureReport {
        var rows: [LoopClosureReport.Row] = []
        let sent = try await client.query("""
            SELECT r.organization_id, r.status, r.requested_at, r.first_answered_at,
                EXISTS (SELECT 1 FROM referral_history h WHERE h.referral_id = r.id AND h.to_status = 'accepted'),
                (SELECT h.reason FROM referral_history h WHERE h.referral_id = r.id AND h.to_status = 'rejected' ORDER BY h.id DESC LIMIT 1)
            FROM referral r WHERE r.requested_at >= \(from) AND r.requested_at < \(to)
                AND (\(referrerOrganizationID)::text IS NULL OR r.referrer_organization_id = \(referrerOrganizationID))
            """, logger: logger)
        for row in sent {
            let (organization, status, requestedAt, answeredAt, accepted, reason) = try row.decode((String, String, Date, Date?, Bool, String?).self)
            rows.append(LoopClosureReport.Row(organizationID: organization, status: ReferralStatus(rawValue: status) ?? .requested,
                                              requestedAt: requestedAt, firstAnsweredAt: answeredAt, everAccepted: accepted, rejectionReason: reason))
        }
        var overdue: [String: Int] = [:]
        let late = try await client.query("""
            SELECT organization_id, count(*) FROM referral WHERE status = 'requested' AND respond_by <= \(now)
                AND (\(referrerOrganizationID)::text IS NULL OR referrer_organization_id = \(referrerOrganizationID))
            GROUP BY organization_id
            """, logger: logger)
        for row in late {
            let (organization, count) = try row.decode((String, Int).self)
            overdue[organization] = count
        }
        return LoopClosureReport(from: from, to: to, now: now, rows: rows, overdue: overdue)
    }
}

// Row-level helpers, inside a transaction.
extension PostgresStore {
    static let referralColumns = """
        SELECT id, status, service_id, organization_id, person_ref, consent_id, need_domains, created_at, created_by,
            requested_at, respond_by, first_answered_at, updated_at, version, referrer_organization_id
        """

    static func referral(id: String, locking: Bool, on connection: PostgresConnection, logger: Logger) async throws -> Referral? {
        let lock = locking ? " FOR UPDATE" : ""
        let rows = try await connection.query("\(unescaped: referralColumns) FROM referral WHERE id = \(id)\(unescaped: lock)", logger: logger)
        return try await first(rows).map(referral)
    }

    static func referral(_ row: PostgresRow) throws -> Referral {
        let (id, status, service, organization, personRef, consent, domains, createdAt, createdBy, requestedAt, respondBy, answeredAt, updatedAt, version,
             referrer) = try row.decode((String, String, String, String, String, String, String, Date, String, Date?, Date?, Date?, Date, Int, String?).self)
        guard let status = ReferralStatus(rawValue: status) else { throw StoreError.invalid(field: "referral \(id).status", reason: "unknown status") }
        return Referral(id: id, status: status, serviceID: service, organizationID: organization, personRef: personRef, consentID: consent,
                        needDomains: domains.split(separator: ",").compactMap { NeedDomain(rawValue: String($0)) }, createdAt: createdAt,
                        createdBy: createdBy, requestedAt: requestedAt, respondBy: respondBy, firstAnsweredAt: answeredAt,
                        updatedAt: updatedAt, version: version, referrerOrganizationID: referrer)
    }

    static func history(of id: String, on connection: PostgresConnection, logger: Logger) async throws -> [ReferralStatusChange] {
        let rows = try await connection.query("""
            SELECT at, actor, party, from_status, to_status, reason, source FROM referral_history WHERE referral_id = \(id) ORDER BY id
            """, logger: logger)
        var history: [ReferralStatusChange] = []
        for try await (at, actor, party, from, to, reason, source) in rows.decode((Date, String, String, String?, String, String?, String).self) {
            history.append(ReferralStatusChange(at: at, actor: actor, party: ReferralParty(rawValue: party) ?? .referrer,
                                                from: from.flatMap(ReferralStatus.init(rawValue:)), to: ReferralStatus(rawValue: to) ?? .enteredInError,
                                                reason: reason, source: ReferralStatusChange.Source(rawValue: source) ?? .system))
        }
        return history
    }

    static func outboxState(_ id: String, on connection: PostgresConnection, logger: Logger) async throws -> String? {
        try await first(connection.query("SELECT state FROM outbox WHERE referral_id = \(id)", logger: logger))?.decode(String.self)
    }

    static func insert(_ change: ReferralStatusChange, for id: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO referral_history (referral_id, at, actor, party, from_status, to_status, reason, source)
            VALUES (\(id), \(change.at), \(change.actor), \(change.party.rawValue), \(change.from?.rawValue), \(change.to.rawValue),
                    \(change.reason), \(change.source.rawValue))
            """, logger: logger)
    }

    static func enqueue(_ id: String, at now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        let key = UUID().uuidString.lowercased()
        try await connection.query("""
            INSERT INTO outbox (referral_id, idempotency_key, state, attempts, next_attempt_at, created_at, updated_at)
            VALUES (\(id), \(key), 'pending', 0, \(now), \(now), \(now))
            """, logger: logger)
    }

    /// The person row for an organization's pseudonymous reference, created on its first referral
    /// (concurrent first referrals for one person meet at the unique (organization, reference));
    /// sealed details are replaced only by details the new profile carries.
    func upsertPerson(_ person: NeedsProfile.Person, organization: String, on connection: PostgresConnection, context: AuditContext,
                      audit: AuditRecorder) async throws -> String {
        let candidate = StoreID.make("per")
        let sealedNew = try SealedPerson.seal(person, id: candidate, with: configuration.cipher)
        let inserted = try await Self.first(connection.query("""
            INSERT INTO person (id, organization_id, ref, created_at, updated_at, sealed_name, sealed_phone, sealed_email)
            VALUES (\(candidate), \(organization), \(person.ref), \(context.now), \(context.now), \(sealedNew.name), \(sealedNew.phone), \(sealedNew.email))
            ON CONFLICT (organization_id, ref) DO NOTHING RETURNING id
            """, logger: logger))
        if inserted != nil {
            audit.record(context.entry(.create, "person", candidate))
            return candidate
        }
        guard let row = try await Self.first(connection.query(
            "SELECT id FROM person WHERE organization_id = \(organization) AND ref = \(person.ref) FOR UPDATE", logger: logger)) else {
            throw StoreError.invalid(field: "person.ref", reason: "the person row vanished while being updated")
        }
        let id = try row.decode(String.self)
        let sealed = try SealedPerson.seal(person, id: id, with: configuration.cipher)
        try await connection.query("""
            UPDATE person SET updated_at = \(context.now), sealed_name = coalesce(\(sealed.name), sealed_name),
                sealed_phone = coalesce(\(sealed.phone), sealed_phone), sealed_email = coalesce(\(sealed.email), sealed_email)
            WHERE id = \(id)
            """, logger: logger)
        audit.record(context.entry(.update, "person", id, detail: "new needs profile"))
        return id
    }
}
