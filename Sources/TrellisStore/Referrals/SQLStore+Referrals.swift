public import Foundation
public import TrellisCore

/// A referral's changes: creation, status moves and the revocation of its consent, each with its
/// rows, history, outbox row and audit entries in one transaction.
extension SQLStore {
    public func createReferral(_ request: NewReferral, context: AuditContext) async throws -> Referral {
        let profileDocument = try ReferralRules.storedProfile(request.profile)
        return try await auditingRefusals(.create, "referral", request.serviceID, context: context) {
            try await change { session, audit in try await self.create(request, profileDocument: profileDocument, context: context, in: session, audit: audit) }
        }
    }

    private func create(_ request: NewReferral, profileDocument: Data, context: AuditContext, in session: any SQLSession,
                        audit: AuditRecorder) async throws -> Referral {
        let cipher = configuration.cipher
        if let key = request.requestKey {
            // Creations with one key take turns, so a retry racing the first attempt finds its referral.
            if let turn = database.takeTurns(on: "referral-key\u{1F}\(context.actor)\u{1F}\(key)") { try await session.execute(turn) }
            if let id = try await session.value("SELECT id FROM referral WHERE created_by = \(context.actor) AND request_key = \(key)", as: String.self),
               var earlier = try await ReferralRows.referral(id: id, in: session) {
                // A retried creation: the referral made the first time, not another one.
                earlier.history = try await ReferralRows.history(of: id, in: session)
                audit.record(context.entry(.read, "referral", id, detail: "creation retried with the same key"))
                return earlier
            }
        }
        guard let service = try await ReferralRows.service(id: request.serviceID, in: session) else { throw StoreError.serviceNotFound(request.serviceID) }
        if try await ReferralRows.isWithdrawn(serviceID: service.id, in: session) { throw StoreError.serviceWithdrawn(service.id) }
        try ReferralRules.checkConsent(request.consent, for: service, at: context.now)
        // Refused now, naming the organization, rather than failing later in the outbox.
        let recipient = try await ReferralRows.partner(answeringFor: service.organizationID, in: session)
        if recipient == nil && !request.draft { throw StoreError.noRecipient(organization: service.organizationID) }
        let channel = recipient?.delivery ?? .endpoint
        let ids = (referral: StoreID.make("ref"), consent: StoreID.make("con"))
        let (referral, change) = ReferralRules.created(request, service: service, ids: ids, context: context,
                                                       deadline: configuration.deadline(businessDays: recipient?.responseDeadlineBusinessDays))
        let person = try await upsertPerson(request.profile.person, organization: PersonIdentity.organization(of: request),
                                            context: context, in: session, audit: audit)
        let profileID = StoreID.make("prof")
        try await session.execute("""
            INSERT INTO needs_profile (id, person_id, created_at, created_by, sealed_document)
            VALUES (\(profileID), \(person), \(context.now), \(context.actor), \(try cipher.seal(profileDocument, owner: profileID, field: "profile")))
            """)
        let consent = request.consent
        let categories = consent.categories.sorted().map(\.rawValue).joined(separator: ",")
        try await session.execute("""
            INSERT INTO consent (id, person_id, recipient, categories, method, captured_by, captured_at, expires_at)
            VALUES (\(ids.consent), \(person), \(consent.recipient), \(categories), \(consent.method.rawValue),
                    \(consent.capturedBy), \(consent.capturedAt), \(consent.expiresAt))
            """)
        let note = try request.note?.nonBlank.map { try cipher.seal($0, owner: referral.id, field: "note") }
        let facts = ReferralProfileFacts(request.profile)
        try await session.execute("""
            INSERT INTO referral (id, status, service_id, organization_id, person_id, person_ref, profile_id, consent_id,
                need_domains, created_at, created_by, requested_at, respond_by, updated_at, version, sealed_note, referrer_organization_id, request_key,
                delivery_channel, age_band, primary_language, interpreter_needed, highest_urgency)
            VALUES (\(referral.id), \(referral.status.rawValue), \(referral.serviceID), \(referral.organizationID), \(person),
                    \(referral.personRef), \(profileID), \(ids.consent), \(referral.needDomains.map(\.rawValue).joined(separator: ",")),
                    \(referral.createdAt), \(referral.createdBy), \(referral.requestedAt), \(referral.respondBy), \(referral.updatedAt),
                    \(referral.version), \(note), \(referral.referrerOrganizationID), \(request.requestKey), \(channel.rawValue),
                    \(facts.ageBand), \(facts.primaryLanguage), \(facts.interpreterNeeded), \(facts.highestUrgency))
            """)
        var created = referral
        created.history = [change]
        if let previous = request.previousReferralID {
            try await ReferralChain.link(previous: previous, next: referral.id, person: person, referrerOrganizationID: referral.referrerOrganizationID,
                                         context: context, in: session, audit: audit)
            try await session.execute("UPDATE referral SET previous_referral_id = \(previous) WHERE id = \(referral.id)")
            created.previousReferralID = previous
            created.history?[0].relatedReferralID = previous
        }
        try await ReferralRows.insert(created.history![0], for: referral.id, in: session)
        try await SupporterRows.insert(request.profile, referralID: referral.id, cipher: cipher, in: session)
        // An inbox partner's referral is in its inbox from now on: nothing to send but a notice that it waits.
        if referral.status == .requested && channel == .endpoint { try await ReferralRows.enqueue(referral.id, at: context.now, in: session) }
        if referral.status == .requested && channel == .inbox {
            try await NoticeRows.queue(.waiting, organizationID: referral.organizationID, key: "waiting:\(referral.id)", partner: recipient,
                                       at: context.now, in: session)
        }
        audit.record(context.entry(.create, "consent", ids.consent, detail: "for \(referral.id) to \(consent.recipient): \(categories)"))
        audit.record(context.entry(.create, "referral", referral.id,
                                   detail: "\(ReferralRules.auditDetail(change)) service \(service.id) organization \(service.organizationID) person \(person)"
                                       + (request.previousReferralID.map { " after \($0)" } ?? "")))
        return created
    }

    /// The person row for an organization's pseudonymous reference, created on its first referral
    /// (first referrals for one person take turns); sealed details are replaced only by details the
    /// new profile carries.
    private func upsertPerson(_ person: NeedsProfile.Person, organization: String, context: AuditContext, in session: any SQLSession,
                              audit: AuditRecorder) async throws -> String {
        if let turn = database.takeTurns(on: "person\u{1F}\(organization)\u{1F}\(person.ref)") { try await session.execute(turn) }
        let existing = try await session.value("SELECT id FROM person WHERE organization_id = \(organization) AND ref = \(person.ref)", as: String.self)
        let id = existing ?? StoreID.make("per")
        let sealed = try SealedPerson.seal(person, id: id, with: configuration.cipher)
        if existing == nil {
            try await session.execute("""
                INSERT INTO person (id, organization_id, ref, created_at, updated_at, sealed_name, sealed_phone, sealed_email)
                VALUES (\(id), \(organization), \(person.ref), \(context.now), \(context.now), \(sealed.name), \(sealed.phone), \(sealed.email))
                """)
            audit.record(context.entry(.create, "person", id))
        } else {
            try await session.execute("""
                UPDATE person SET updated_at = \(context.now), sealed_name = coalesce(\(sealed.name), sealed_name),
                    sealed_phone = coalesce(\(sealed.phone), sealed_phone), sealed_email = coalesce(\(sealed.email), sealed_email)
                WHERE id = \(id)
                """)
            audit.record(context.entry(.update, "person", id, detail: "new needs profile"))
        }
        return id
    }

    public func changeStatus(_ request: StatusChangeRequest, context: AuditContext) async throws -> Referral {
        try await auditingRefusals(.update, "referral", request.referralID, context: context) {
            // A move that names no version applies to the referral as it is: when another change won the
            // race since it was read, it is decided again on the new state (at most three times).
            var attempt = 1
            while true {
                do {
                    return try await change { session, audit in try await self.move(request, context: context, in: session, audit: audit) }
                } catch StoreError.conflict where request.expectedVersion == nil && attempt < 3 {
                    attempt += 1
                }
            }
        }
    }

    private func move(_ request: StatusChangeRequest, context: AuditContext, in session: any SQLSession, audit: AuditRecorder) async throws -> Referral {
        guard let current = try await ReferralRows.referral(id: request.referralID, in: session) else { throw StoreError.referralNotFound(request.referralID) }
        if let message = request.partnerMessage {
            let fresh = try await session.changed("""
                INSERT INTO partner_message (partner_id, message_id, referral_id, received_at)
                VALUES (\(message.partnerID), \(message.messageID), \(request.referralID), \(context.now))
                ON CONFLICT DO NOTHING RETURNING 1
                """)
            guard fresh else { throw StoreError.replayedMessage(partner: message.partnerID, message: message.messageID) }
            // A draft, or a referral cancelled before delivery, never reached the partner: not its to answer.
            guard ReferralScope.reachedPartner(current.status, delivered: try await ReferralRows.isDelivered(current.id, in: session)) else {
                throw StoreError.notPartnersReferral(partner: message.partnerID, referral: current.id)
            }
        }
        let recipient = try await ReferralRows.partner(answeringFor: current.organizationID, in: session)
        let (next, change) = try ReferralRules.applying(request, to: current, context: context,
                                                        deadline: configuration.deadline(businessDays: recipient?.responseDeadlineBusinessDays),
                                                        followUp: configuration.followUpDay(after:))
        let sending = next.status == .requested && current.status == .draft
        guard !sending || recipient != nil else { throw StoreError.noRecipient(organization: current.organizationID) }
        try await ReferralRows.update(next, from: current, in: session)
        try await ReferralRows.insert(change, for: next.id, in: session)
        if sending, let recipient {
            try await session.execute("UPDATE referral SET delivery_channel = \(recipient.delivery.rawValue) WHERE id = \(next.id)")
            if recipient.delivery == .endpoint { try await ReferralRows.enqueue(next.id, at: context.now, in: session) }
            if recipient.delivery == .inbox {
                try await NoticeRows.queue(.waiting, organizationID: next.organizationID, key: "waiting:\(next.id)", partner: recipient,
                                           at: context.now, in: session)
            }
        }
        if next.status == .cancelled || next.status == .enteredInError { try await ReferralRows.cancelDelivery(of: next.id, at: context.now, in: session) }
        audit.record(context.entry(.update, "referral", next.id, detail: ReferralRules.auditDetail(change)))
        try await queueSupporterNotices(for: next, context: context, in: session, audit: audit)
        var result = next
        result.history = try await ReferralRows.history(of: next.id, in: session)
        return result
    }

    public func revokeConsent(referralID: String, context: AuditContext) async throws -> ConsentRevocation {
        try await auditingRefusals(.update, "consent", referralID, context: context) { try await change { session, audit in
            guard let referral = try await ReferralRows.referral(id: referralID, in: session) else { throw StoreError.referralNotFound(referralID) }
            let revoked = try await session.changed("""
                UPDATE consent SET revoked_at = \(context.now), revoked_by = \(context.actor) WHERE id = \(referral.consentID) AND revoked_at IS NULL
                RETURNING 1
                """)
            guard revoked else { throw StoreError.consentAlreadyRevoked(referral: referralID) }
            audit.record(context.entry(.update, "consent", referral.consentID, detail: "revoked for \(referralID)"))
            return try await withdraw(referral, reason: .revoked, context: context, in: session, audit: audit)
        } }
    }

    /// What follows a consent's end (revoked, or expired): nothing more leaves under it, a referral not yet
    /// delivered is cancelled, and a partner that received it at its endpoint is told (`consent.revoked`).
    func withdraw(_ referral: Referral, reason: ConsentRevocation.Reason, context: AuditContext, in session: any SQLSession,
                  audit: AuditRecorder) async throws -> ConsentRevocation {
        let referralID = referral.id
        // Cancelled first: a worker recording a delivery meanwhile either finished (and it reads as delivered) or finds nothing to record.
        try await ReferralRows.cancelDelivery(of: referralID, at: context.now, in: session)
        let delivered = try await ReferralRows.isDelivered(referralID, in: session)
        var cancelled: [String] = []
        if !delivered && (referral.status == .draft || referral.status == .requested) {
            let request = StatusChangeRequest(referralID: referralID, status: .cancelled, party: .referrer,
                                              reason: reason == .revoked ? "consent revoked" : "consent expired", source: .system)
            let (next, change) = try ReferralRules.applying(request, to: referral, context: context, deadline: { $0 })
            try await ReferralRows.update(next, from: referral, in: session)
            try await ReferralRows.insert(change, for: next.id, in: session)
            audit.record(context.entry(.update, "referral", next.id, detail: ReferralRules.auditDetail(change)))
            cancelled.append(next.id)
        }
        var queued: [String] = []
        // Only a partner that holds the referral at its own system is told; an inbox simply stops showing the details.
        if delivered, try await session.value("SELECT delivery_channel FROM referral WHERE id = \(referralID)", as: String.self) == "endpoint",
           let id = try await PartnerOutboundRows.enqueue(referralID: referralID, kind: .consentRevoked, reason: reason.rawValue,
                                                          at: context.now, in: session) {
            audit.record(context.entry(.create, "partner_outbound", id, detail: "consent.revoked (\(reason.rawValue)) queued for \(referralID)"))
            queued.append(id)
        }
        return ConsentRevocation(referralID: referralID, consentID: referral.consentID, revokedAt: context.now, cancelled: cancelled,
                                 alreadyDelivered: delivered, reason: reason, partnerMessages: queued)
    }
}
