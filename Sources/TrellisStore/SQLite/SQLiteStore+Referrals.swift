public import Foundation
import GRDB
public import TrellisCore

extension SQLiteStore {
    public func createReferral(_ request: NewReferral, context: AuditContext) async throws -> Referral {
        let cipher = configuration.cipher
        let configuration = self.configuration
        let profileDocument = try ReferralRules.storedProfile(request.profile)
        return try await auditingRefusals(.create, "referral", request.serviceID, context: context) { try await transaction { db, audit in
            if let key = request.requestKey,
               let id = try String.fetchOne(db, sql: "SELECT id FROM referral WHERE created_by = ? AND request_key = ?", arguments: [context.actor, key]),
               var earlier = try Self.referral(id: id, in: db) {
                // A retried creation: the referral made the first time, not another one.
                earlier.history = try Self.history(of: id, in: db)
                try audit.append(context.entry(.read, "referral", id, detail: "creation retried with the same key"), in: db)
                return earlier
            }
            guard let service = try Self.service(id: request.serviceID, in: db) else { throw StoreError.serviceNotFound(request.serviceID) }
            try ReferralRules.checkConsent(request.consent, for: service, at: context.now)
            let days = try Self.deadlineDays(answeringFor: service.organizationID, in: db)
            let ids = (referral: StoreID.make("ref"), consent: StoreID.make("con"))
            let (referral, change) = ReferralRules.created(request, service: service, ids: ids, context: context,
                                                           deadline: configuration.deadline(businessDays: days))
            let person = try Self.upsertPerson(request.profile.person, organization: PersonIdentity.organization(of: request), cipher: cipher,
                                               in: db, context: context, audit: &audit)
            let profileID = StoreID.make("prof")
            try db.execute(sql: "INSERT INTO needs_profile (id, person_id, created_at, created_by, sealed_document) VALUES (?, ?, ?, ?, ?)",
                           arguments: [profileID, person, context.now, context.actor,
                                       try cipher.seal(profileDocument, owner: profileID, field: "profile")])
            let consent = request.consent
            try db.execute(sql: """
                INSERT INTO consent (id, person_id, recipient, categories, method, captured_by, captured_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [ids.consent, person, consent.recipient, consent.categories.sorted().map(\.rawValue).joined(separator: ","),
                                 consent.method.rawValue, consent.capturedBy, consent.capturedAt, consent.expiresAt])
            try db.execute(sql: """
                INSERT INTO referral (id, status, service_id, organization_id, person_id, person_ref, profile_id, consent_id,
                    need_domains, created_at, created_by, requested_at, respond_by, updated_at, version, sealed_note,
                    referrer_organization_id, request_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [referral.id, referral.status.rawValue, referral.serviceID, referral.organizationID, person,
                                 referral.personRef, profileID, ids.consent, referral.needDomains.map(\.rawValue).joined(separator: ","),
                                 referral.createdAt, referral.createdBy, referral.requestedAt, referral.respondBy, referral.updatedAt,
                                 referral.version, try request.note?.nonBlank.map { try cipher.seal($0, owner: referral.id, field: "note") },
                                 referral.referrerOrganizationID, request.requestKey])
            try Self.insert(change, for: referral.id, in: db)
            if referral.status == .requested { try Self.enqueue(referral.id, at: context.now, in: db) }
            try audit.append(context.entry(.create, "consent", ids.consent, detail: "for \(referral.id) to \(consent.recipient): \(consent.categories.sorted().map(\.rawValue).joined(separator: ","))"), in: db)
            try audit.append(context.entry(.create, "referral", referral.id,
                                           detail: "\(ReferralRules.auditDetail(change)) service \(service.id) organization \(service.organizationID) person \(person)"), in: db)
            var created = referral
            created.history = [change]
            return created
        } }
    }

    public func changeStatus(_ request: StatusChangeRequest, context: AuditContext) async throws -> Referral {
        let configuration = self.configuration
        return try await auditingRefusals(.update, "referral", request.referralID, context: context) { try await transaction { db, audit in
            guard let current = try Self.referral(id: request.referralID, in: db) else { throw StoreError.referralNotFound(request.referralID) }
            if let message = request.partnerMessage {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO partner_message (partner_id, message_id, referral_id, received_at) VALUES (?, ?, ?, ?)
                    """, arguments: [message.partnerID, message.messageID, request.referralID, context.now])
                guard db.changesCount == 1 else { throw StoreError.replayedMessage(partner: message.partnerID, message: message.messageID) }
            }
            if let message = request.partnerMessage,
               !ReferralScope.reachedPartner(current.status, delivered: try Self.outboxEntry(current.id, in: db)?.state == .delivered) {
                // A draft, or a referral cancelled before delivery, never reached the partner: not its to answer.
                throw StoreError.notPartnersReferral(partner: message.partnerID, referral: current.id)
            }
            let days = try Self.deadlineDays(answeringFor: current.organizationID, in: db)
            let (next, change) = try ReferralRules.applying(request, to: current, context: context,
                                                            deadline: configuration.deadline(businessDays: days))
            try db.execute(sql: """
                UPDATE referral SET status = ?, version = ?, updated_at = ?, requested_at = ?, respond_by = ?, first_answered_at = ?
                WHERE id = ? AND version = ?
                """, arguments: [next.status.rawValue, next.version, next.updatedAt, next.requestedAt, next.respondBy,
                                 next.firstAnsweredAt, next.id, current.version])
            guard db.changesCount == 1 else {
                throw StoreError.conflict(referral: current.id, expectedVersion: current.version, currentVersion: current.version + 1, currentStatus: current.status)
            }
            try Self.insert(change, for: next.id, in: db)
            if next.status == .requested && current.status == .draft { try Self.enqueue(next.id, at: context.now, in: db) }
            if next.status == .cancelled || next.status == .enteredInError {
                try db.execute(sql: "UPDATE outbox SET state = 'cancelled', updated_at = ? WHERE referral_id = ? AND state IN ('pending', 'claimed')",
                               arguments: [context.now, next.id])
            }
            try audit.append(context.entry(.update, "referral", next.id, detail: ReferralRules.auditDetail(change)), in: db)
            var result = next
            result.history = try Self.history(of: next.id, in: db)
            return result
        } }
    }

    public func referral(id: String, scope: ReferralScope, context: AuditContext) async throws -> Referral {
        // Read in a read transaction; the read's audit record is group-committed before it is returned.
        let (stored, admitted, history) = try await pool.read { db -> (Referral?, Bool, [ReferralStatusChange]) in
            guard let referral = try Self.referral(id: id, in: db) else { return (nil, false, []) }
            let delivered = try Self.outboxEntry(id, in: db)?.state == .delivered
            guard scope.admits(referral, delivered: delivered) else { return (referral, false, []) }
            return (referral, true, try Self.history(of: id, in: db))
        }
        guard var referral = stored, admitted else {
            try await audit.append(context.entry(.read, "referral", id, outcome: stored == nil ? .failure : .denied,
                                                 detail: stored == nil ? "not found" : "refused: outside the caller's scope"))
            throw StoreError.referralNotFound(id)
        }
        referral.history = history
        try await audit.append(context.entry(.read, "referral", id))
        return referral
    }

    public func referrals(_ filter: ReferralFilter, context: AuditContext) async throws -> [Referral] {
        let list = try await pool.read { db in
            var clauses: [String] = []
            var arguments = StatementArguments()
            if let status = filter.status { clauses.append("status = ?"); _ = arguments.append(contentsOf: [status.rawValue]) }
            if let organization = filter.organizationID { clauses.append("organization_id = ?"); _ = arguments.append(contentsOf: [organization]) }
            if let creator = filter.createdBy { clauses.append("created_by = ?"); _ = arguments.append(contentsOf: [creator]) }
            if let referrer = filter.referrerOrganizationID {
                clauses.append("referrer_organization_id = ?")
                _ = arguments.append(contentsOf: [referrer])
            }
            if let now = filter.overdueAt { clauses.append("status = 'requested' AND respond_by <= ?"); _ = arguments.append(contentsOf: [now]) }
            switch filter.scope {
            case .everything: break
            case .referredBy(let organization):
                clauses.append("referrer_organization_id = ?")
                _ = arguments.append(contentsOf: [organization])
            case .addressedTo(let organizations):
                clauses.append(organizations.isEmpty ? "0" : "organization_id IN (" + organizations.map { _ in "?" }.joined(separator: ", ") + ")")
                clauses.append(ReferralScope.reachedPartnerSQL)
                _ = arguments.append(contentsOf: StatementArguments(organizations))
            }
            _ = arguments.append(contentsOf: [max(0, min(filter.limit, 10_000)), max(0, filter.offset)])
            let sql = Self.referralColumns + " FROM referral" + (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND "))
                + " ORDER BY created_at DESC, id LIMIT ? OFFSET ?"
            var list: [Referral] = []
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() { list.append(try Self.referral(row)) }
            return list
        }
        try await audit.append(context.entry(.read, "referral", "*", detail: "list of \(list.count)"))
        return list
    }

    public func revokeConsent(referralID: String, context: AuditContext) async throws -> ConsentRevocation {
        try await auditingRefusals(.update, "consent", referralID, context: context) { try await transaction { db, audit in
            guard let referral = try Self.referral(id: referralID, in: db) else { throw StoreError.referralNotFound(referralID) }
            let revoked: Date? = try Date.fetchOne(db, sql: "SELECT revoked_at FROM consent WHERE id = ?", arguments: [referral.consentID])
            guard revoked == nil else { throw StoreError.consentAlreadyRevoked(referral: referralID) }
            try db.execute(sql: "UPDATE consent SET revoked_at = ?, revoked_by = ? WHERE id = ?",
                           arguments: [context.now, context.actor, referral.consentID])
            try audit.append(context.entry(.update, "consent", referral.consentID, detail: "revoked for \(referralID)"), in: db)
            let state = try String.fetchOne(db, sql: "SELECT state FROM outbox WHERE referral_id = ?", arguments: [referralID])
            let delivered = state == OutboxEntry.State.delivered.rawValue
            var cancelled: [String] = []
            let cancellable = referral.status == .draft || referral.status == .requested
            if !delivered && cancellable {
                let request = StatusChangeRequest(referralID: referralID, status: .cancelled, party: .referrer,
                                                  reason: "consent revoked", source: .system)
                let (next, change) = try ReferralRules.applying(request, to: referral, context: context, deadline: { $0 })
                try db.execute(sql: "UPDATE referral SET status = ?, version = ?, updated_at = ? WHERE id = ?",
                               arguments: [next.status.rawValue, next.version, next.updatedAt, next.id])
                try Self.insert(change, for: next.id, in: db)
                try audit.append(context.entry(.update, "referral", next.id, detail: ReferralRules.auditDetail(change)), in: db)
                cancelled.append(next.id)
            }
            // Nothing more leaves under a revoked consent, whatever the referral's status.
            try db.execute(sql: "UPDATE outbox SET state = 'cancelled', updated_at = ? WHERE referral_id = ? AND state IN ('pending', 'claimed')",
                           arguments: [context.now, referralID])
            return ConsentRevocation(referralID: referralID, consentID: referral.consentID, revokedAt: context.now,
                                     cancelled: cancelled, alreadyDelivered: delivered)
        } }
    }

    public func consent(referralID: String, context: AuditContext) async throws -> StoredConsent {
        try await transaction { db, audit in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT c.*, c.id AS consent_id FROM consent c JOIN referral r ON r.consent_id = c.id WHERE r.id = ?
                """, arguments: [referralID]) else { throw StoreError.referralNotFound(referralID) }
            try audit.append(context.entry(.read, "consent", row["id"], detail: "for \(referralID)"), in: db)
            return Self.storedConsent(row)
        }
    }

    public func person(referralID: String, context: AuditContext) async throws -> PersonDetails {
        let cipher = configuration.cipher
        return try await transaction { db, audit in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT p.id AS person_id, p.sealed_name, p.sealed_phone, p.sealed_email, n.id AS profile_id, n.sealed_document, r.sealed_note
                FROM referral r JOIN person p ON p.id = r.person_id JOIN needs_profile n ON n.id = r.profile_id WHERE r.id = ?
                """, arguments: [referralID]) else { throw StoreError.referralNotFound(referralID) }
            let personID: String = row["person_id"]
            try audit.append(context.entry(.read, "person", personID, detail: "for \(referralID)"), in: db)
            return try SealedPerson(personID: personID, profileID: row["profile_id"], sealedProfile: row["sealed_document"],
                                    sealedName: row["sealed_name"], sealedPhone: row["sealed_phone"], sealedEmail: row["sealed_email"],
                                    sealedNote: row["sealed_note"], referralID: referralID).open(with: cipher)
        }
    }

    public func outboxEntry(referralID: String) async throws -> OutboxEntry? {
        try await pool.read { db in try Self.outboxEntry(referralID, in: db) }
    }

    public func loopClosureReport(from: Date, to: Date, now: Date, referrerOrganizationID: String?) async throws -> LoopClosureReport {
        try await pool.read { db in
            let onlyReferrer = referrerOrganizationID == nil ? "" : " AND r.referrer_organization_id = ?"
            let rows = try Row.fetchAll(db, sql: Self.sentReferralsQuery + onlyReferrer,
                                        arguments: StatementArguments([from, to] + (referrerOrganizationID.map { [$0] } ?? []))).map { row in
                LoopClosureReport.Row(organizationID: row["organization_id"], status: ReferralStatus(rawValue: row["status"]) ?? .requested,
                                      requestedAt: row["requested_at"], firstAnsweredAt: row["first_answered_at"],
                                      everAccepted: row["ever_accepted"], rejectionReason: row["rejection_reason"])
            }
            var overdue: [String: Int] = [:]
            let overdueQuery = referrerOrganizationID == nil ? Self.overdueQuery
                : "SELECT organization_id, count(*) AS n FROM referral WHERE status = 'requested' AND respond_by <= ? AND referrer_organization_id = ? GROUP BY organization_id"
            for row in try Row.fetchAll(db, sql: overdueQuery, arguments: StatementArguments([now] + (referrerOrganizationID.map { [$0] } ?? []))) {
                overdue[row["organization_id"]] = row["n"]
            }
            return LoopClosureReport(from: from, to: to, now: now, rows: rows, overdue: overdue)
        }
    }
}

// Row-level helpers, inside a transaction.
extension SQLiteStore {
    static let sentReferralsQuery = """
        SELECT r.organization_id, r.status, r.requested_at, r.first_answered_at,
            EXISTS (SELECT 1 FROM referral_history h WHERE h.referral_id = r.id AND h.to_status = 'accepted') AS ever_accepted,
            (SELECT h.reason FROM referral_history h WHERE h.referral_id = r.id AND h.to_status = 'rejected' ORDER BY h.id DESC LIMIT 1) AS rejection_reason
        FROM referral r WHERE r.requested_at >= ? AND r.requested_at < ?
        """
    static let overdueQuery = "SELECT organization_id, count(*) AS n FROM referral WHERE status = 'requested' AND respond_by <= ? GROUP BY organization_id"

    static func referral(id: String, in db: Database) throws -> Referral? {
        try Row.fetchOne(db, sql: referralColumns + " FROM referral WHERE id = ?", arguments: [id]).map(referral)
    }

    /// The columns `referral(_:)` reads, by position (looking columns up by name costs more than the
    /// rest of reading a row, on a busy list).
    static let referralColumns = """
        SELECT id, status, service_id, organization_id, person_ref, consent_id, need_domains, created_at, created_by,
            requested_at, respond_by, first_answered_at, updated_at, version, referrer_organization_id
        """

    static func referral(_ row: Row) throws -> Referral {
        let id: String = row[0]
        guard let status = ReferralStatus(rawValue: row[1]) else { throw StoreError.invalid(field: "referral \(id).status", reason: "unknown status") }
        return Referral(id: id, status: status, serviceID: row[2], organizationID: row[3], personRef: row[4], consentID: row[5],
                        needDomains: (row[6] as String).split(separator: ",").compactMap { NeedDomain(rawValue: String($0)) },
                        createdAt: row[7], createdBy: row[8], requestedAt: row[9], respondBy: row[10], firstAnsweredAt: row[11],
                        updatedAt: row[12], version: row[13], referrerOrganizationID: row[14])
    }

    static func history(of id: String, in db: Database) throws -> [ReferralStatusChange] {
        try Row.fetchAll(db, sql: "SELECT * FROM referral_history WHERE referral_id = ? ORDER BY id", arguments: [id]).map { row in
            ReferralStatusChange(at: row["at"], actor: row["actor"], party: ReferralParty(rawValue: row["party"]) ?? .referrer,
                                 from: (row["from_status"] as String?).flatMap(ReferralStatus.init(rawValue:)),
                                 to: ReferralStatus(rawValue: row["to_status"]) ?? .enteredInError, reason: row["reason"],
                                 source: ReferralStatusChange.Source(rawValue: row["source"]) ?? .system)
        }
    }

    static func insert(_ change: ReferralStatusChange, for id: String, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO referral_history (referral_id, at, actor, party, from_status, to_status, reason, source)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, change.at, change.actor, change.party.rawValue, change.from?.rawValue, change.to.rawValue,
                             change.reason, change.source.rawValue])
    }

    static func enqueue(_ id: String, at now: Date, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO outbox (referral_id, idempotency_key, state, attempts, next_attempt_at, created_at, updated_at)
            VALUES (?, ?, 'pending', 0, ?, ?, ?)
            """, arguments: [id, UUID().uuidString.lowercased(), now, now, now])
    }

    /// The person row for an organization's pseudonymous reference, created on its first referral;
    /// sealed details are replaced only by details the new profile carries.
    static func upsertPerson(_ person: NeedsProfile.Person, organization: String, cipher: PersonCipher, in db: Database, context: AuditContext,
                             audit: inout [SealedAuditRecord]) throws -> String {
        let existing = try String.fetchOne(db, sql: "SELECT id FROM person WHERE organization_id = ? AND ref = ?",
                                           arguments: [organization, person.ref])
        let id = existing ?? StoreID.make("per")
        let sealed = try SealedPerson.seal(person, id: id, with: cipher)
        if existing == nil {
            try db.execute(sql: """
                INSERT INTO person (id, organization_id, ref, created_at, updated_at, sealed_name, sealed_phone, sealed_email) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, organization, person.ref, context.now, context.now, sealed.name, sealed.phone, sealed.email])
            try audit.append(context.entry(.create, "person", id), in: db)
        } else {
            try db.execute(sql: """
                UPDATE person SET updated_at = ?, sealed_name = coalesce(?, sealed_name), sealed_phone = coalesce(?, sealed_phone),
                    sealed_email = coalesce(?, sealed_email) WHERE id = ?
                """, arguments: [context.now, sealed.name, sealed.phone, sealed.email, id])
            try audit.append(context.entry(.update, "person", id, detail: "new needs profile"), in: db)
        }
        return id
    }
}
