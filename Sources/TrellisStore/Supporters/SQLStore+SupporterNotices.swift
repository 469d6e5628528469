import Foundation
import TrellisCore

/// Supporters copied on a referral's status changes, with the person's consent for each: the notice
/// is queued in the status change's transaction, its address and text sealed in the notice row.
extension SQLStore {
    /// Queues a notice to each supporter the person agreed to copy on updates, when `referral`'s new
    /// status is one a supporter is told of. Opens the person's name and the supporters (audited) only
    /// when there is someone to tell.
    func queueSupporterNotices(for referral: Referral, context: AuditContext, in session: any SQLSession, audit: AuditRecorder) async throws {
        guard SupporterNotice.tellsOf(referral.status) else { return }
        let rows = try await session.rows("""
            SELECT position, sealed_supporter FROM referral_supporter
            WHERE referral_id = \(referral.id) AND consent_to_updates = \(true) ORDER BY position
            """)
        guard !rows.isEmpty,
              let person = try await session.firstRow("SELECT p.id, p.sealed_name FROM referral r JOIN person p ON p.id = r.person_id WHERE r.id = \(referral.id)")
        else { return }
        let cipher = configuration.cipher
        let personID: String = try person[0]
        let sealedName: Data? = try person[1]
        // A name or supporter that does not open (another data key) never holds up the status change itself.
        let firstName = sealedName.flatMap { try? cipher.openText($0, owner: personID, field: "name") }
            .flatMap { $0.split(whereSeparator: \.isWhitespace).first.map(String.init) }
        let organization = referral.referrerOrganizationID ?? ""
        let organizationName = try await Self.organizationName(organization, in: session)
        var queued = 0, unopened = 0
        for row in rows {
            let position: Int = try row[0]
            let sealed: Data = try row[1]
            guard let opened = try? cipher.open(sealed, owner: SupporterRows.owner(referralID: referral.id, position: position), field: "supporter"),
                  let supporter = try? JSONDecoder().decode(Supporter.self, from: opened) else {
                unopened += 1
                continue
            }
            guard let email = supporter.email else { continue }
            let notice = SupporterNotice(supporterName: supporter.name, personFirstName: firstName, status: referral.status, at: context.now,
                                         caseWorkerOrganization: organizationName, timeZone: configuration.calendar.timeZone.identifier)
            let id = StoreID.make("ntc")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            let inserted = try await session.changed("""
                INSERT INTO notice (id, kind, organization_id, recipient, dedupe_key, state, attempts, next_attempt_at, created_at, updated_at,
                                    referral_id, sealed_recipient, sealed_message)
                VALUES (\(id), \(Notice.Kind.supporterUpdate.rawValue), \(organization), 'sealed',
                        \("supporter:\(referral.id):\(referral.version):\(position)"), 'pending', 0, \(context.now), \(context.now), \(context.now),
                        \(referral.id), \(try cipher.seal(email, owner: id, field: "recipient")),
                        \(try cipher.seal(try encoder.encode(notice), owner: id, field: "message")))
                ON CONFLICT (dedupe_key) DO NOTHING RETURNING 1
                """)
            if inserted { queued += 1 }
        }
        audit.record(context.entry(.read, "person", personID, outcome: unopened == 0 ? .success : .failure, purpose: "supporter notice",
                                   detail: "supporters of \(referral.id) told of \(referral.status.rawValue): \(queued) notice(s) queued"
                                       + (unopened == 0 ? "" : "; \(unopened) supporter(s) did not open")))
    }

    /// The organization's name in the directory; its id when the directory has none, and words when there is no id.
    static func organizationName(_ organization: String, in session: any SQLSession) async throws -> String {
        guard !organization.isEmpty else { return "your case worker's office" }
        let document = try await session.value("SELECT document FROM directory_service WHERE organization_id = \(organization) ORDER BY id LIMIT 1",
                                               as: String.self)
        return (try document.map { try DirectoryDocuments.decode($0).organizationName })?.nonBlank ?? organization
    }

    /// A supporter notice's address and text, opened from its row; nil when it does not open (it is then given up as undeliverable).
    func openSupporterNotice(id: String, sealedRecipient: Data?, sealedMessage: Data?) -> (recipient: String, notice: SupporterNotice)? {
        guard let sealedRecipient, let sealedMessage else { return nil }
        let cipher = configuration.cipher
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let recipient = try? cipher.openText(sealedRecipient, owner: id, field: "recipient"),
              let message = try? cipher.open(sealedMessage, owner: id, field: "message"),
              let notice = try? decoder.decode(SupporterNotice.self, from: message) else { return nil }
        return (recipient, notice)
    }
}
