public import Foundation
public import TrellisCore

/// Messages on a referral between the case worker's side and the agency: sealed at rest, each write and
/// read audited, personal information only under a consent in force that covers clinical notes.
extension SQLStore {
    public func postMessage(_ request: NewReferralMessage, context: AuditContext) async throws -> ReferralMessage {
        let text: String
        do { text = try MessageText.clean(request.text) } catch { throw StoreError.messageRefused(field: "text", reason: error.description) }
        return try await auditingRefusals(.create, "referral_message", request.referralID, context: context) {
            try await change { session, audit in
                guard let referral = try await ReferralRows.referral(id: request.referralID, in: session) else {
                    throw StoreError.referralNotFound(request.referralID)
                }
                let delivered = try await ReferralRows.isDelivered(referral.id, in: session)
                if let partner = request.partnerMessage {
                    let fresh = try await session.changed("""
                        INSERT INTO partner_message (partner_id, message_id, referral_id, received_at)
                        VALUES (\(partner.partnerID), \(partner.messageID), \(referral.id), \(context.now))
                        ON CONFLICT DO NOTHING RETURNING 1
                        """)
                    guard fresh else { throw StoreError.replayedMessage(partner: partner.partnerID, message: partner.messageID) }
                    guard partner.organizations.contains(referral.organizationID),
                          ReferralScope.reachedPartner(referral.status, delivered: delivered) else {
                        throw StoreError.notPartnersReferral(partner: partner.partnerID, referral: referral.id)
                    }
                }
                guard delivered else {
                    throw StoreError.messageRefused(field: "referral", reason: "referral \(referral.id) has not reached the agency: a message can be sent once it has")
                }
                guard let consentRow = try await session.firstRow("\(unescaped: ReferralRows.consentColumns) FROM consent c WHERE c.id = \(referral.consentID)") else {
                    throw StoreError.referralNotFound(referral.id)
                }
                let consent = try ReferralRows.consent(consentRow).consent
                if request.containsPersonalInformation {
                    try ReferralRules.checkPersonalInformation(consent, organization: referral.organizationID, at: context.now)
                }
                let id = StoreID.make("msg")
                try await session.execute("""
                    INSERT INTO referral_message (id, referral_id, from_party, author, sealed_text, contains_personal_information, created_at)
                    VALUES (\(id), \(referral.id), \(request.fromParty.rawValue), \(context.actor),
                            \(try configuration.cipher.seal(text, owner: id, field: "message")), \(request.containsPersonalInformation), \(context.now))
                    """)
                audit.record(context.entry(.create, "referral_message", id, detail: """
                    on \(referral.id) from \(request.fromParty.rawValue); personal information: \(request.containsPersonalInformation ? "yes" : "no")
                    """))
                // The agency's own system hears a case worker's message; an inbox shows it on the referral's page.
                let channel = try await session.value("SELECT delivery_channel FROM referral WHERE id = \(referral.id)", as: String.self)
                if request.fromParty == .referrer, channel == "endpoint",
                   let queued = try await PartnerOutboundRows.enqueue(referralID: referral.id, kind: .message, messageID: id, at: context.now, in: session) {
                    audit.record(context.entry(.create, "partner_outbound", queued, detail: "message \(id) queued for \(referral.id)"))
                }
                return ReferralMessage(id: id, referralID: referral.id, fromParty: request.fromParty, author: context.actor, text: text,
                                       createdAt: context.now, containsPersonalInformation: request.containsPersonalInformation)
            }
        }
    }

    public func messages(referralID: String, context: AuditContext) async throws -> [ReferralMessage] {
        let sealed = try await reading { session, audit -> [SealedMessage] in
            let rows = try await session.rows("\(unescaped: MessageRows.columns) WHERE referral_id = \(referralID) ORDER BY seq").map(MessageRows.sealed)
            if !rows.isEmpty {
                audit.record(context.entry(.read, "referral_message", referralID, detail: "\(rows.count) messages on \(referralID)"))
            }
            return rows
        }
        return try sealed.map { try $0.open(with: configuration.cipher) }
    }

    public func sweepExpiredConsents(context: AuditContext) async throws -> [ConsentRevocation] {
        // Read without a write first: most sweeps find nothing and cost no transaction.
        let due = try await plainRead { session in
            try await session.values("""
                SELECT r.id FROM consent c JOIN referral r ON r.consent_id = c.id
                WHERE c.expires_at <= \(context.now) AND c.expiry_handled_at IS NULL AND c.revoked_at IS NULL
                ORDER BY c.expires_at, r.id LIMIT 500
                """, as: String.self)
        }
        var handled: [ConsentRevocation] = []
        for referralID in due {
            let done = try await change { session, audit -> ConsentRevocation? in
                guard let referral = try await ReferralRows.referral(id: referralID, in: session) else { return nil }
                // Marked once: a sweep racing another (or running again) finds it handled and does nothing.
                let marked = try await session.changed("""
                    UPDATE consent SET expiry_handled_at = \(context.now)
                    WHERE id = \(referral.consentID) AND expiry_handled_at IS NULL AND revoked_at IS NULL AND expires_at <= \(context.now)
                    RETURNING 1
                    """)
                guard marked else { return nil }
                audit.record(context.entry(.update, "consent", referral.consentID, detail: "expired for \(referralID)"))
                return try await self.withdraw(referral, reason: .expired, context: context, in: session, audit: audit)
            }
            if let done { handled.append(done) }
        }
        return handled
    }
}
