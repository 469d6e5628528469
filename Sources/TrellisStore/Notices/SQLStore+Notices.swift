public import Foundation
public import TrellisCore

extension SQLStore: NoticeRepository {
    public func queueDueNotices(now: Date, context: AuditContext) async throws -> Int {
        try await change { session, _ in
            var queued = 0
            var partners: [String: Partner?] = [:]
            func partner(_ organization: String) async throws -> Partner? {
                if let known = partners[organization] { return known }
                let found = try await ReferralRows.partner(answeringFor: organization, in: session)
                partners[organization] = found
                return found
            }
            for row in try await session.rows("""
                SELECT id, organization_id FROM referral
                WHERE status = 'requested' AND delivery_channel = 'inbox' AND respond_by <= \(now) ORDER BY id
                """) {
                let id: String = try row[0]
                let organization: String = try row[1]
                queued += try await NoticeRows.queue(.overdue, organizationID: organization, key: "overdue:\(id)", partner: partner(organization),
                                                     at: now, in: session)
            }
            // Once a day per organization, while a referral has waited at least since this time yesterday.
            let day = now.formatted(.iso8601.year().month().day())
            for organization in try await session.values("""
                SELECT DISTINCT organization_id FROM referral
                WHERE status = 'requested' AND delivery_channel = 'inbox' AND requested_at <= \(now.addingTimeInterval(-86_400))
                ORDER BY organization_id
                """, as: String.self) {
                queued += try await NoticeRows.queue(.dailyReminder, organizationID: organization, key: "daily:\(organization):\(day)",
                                                     partner: partner(organization), at: now, in: session)
            }
            return queued
        }
    }

    public func claimNotices(owner: String, now: Date, lease: TimeInterval, limit: Int) async throws -> [NoticeClaim] {
        try await database.write { session in
            let claimed = try await session.rows("""
                UPDATE notice SET state = 'claimed', lease_owner = \(owner), lease_until = \(now.addingTimeInterval(lease)), updated_at = \(now)
                WHERE id IN (
                    SELECT id FROM notice
                    WHERE (state = 'pending' AND next_attempt_at <= \(now)) OR (state = 'claimed' AND lease_until <= \(now))
                    ORDER BY next_attempt_at, id LIMIT \(max(0, limit))\(unescaped: database.skipLockedRows))
                RETURNING id, kind, organization_id, recipient, attempts, sealed_recipient, sealed_message
                """)
            var names: [String: String] = [:]
            var claims: [NoticeClaim] = []
            for row in claimed {
                let organization: String = try row[2]
                if names[organization] == nil {
                    let document = try await session.value("SELECT document FROM directory_service WHERE organization_id = \(organization) ORDER BY id LIMIT 1",
                                                           as: String.self)
                    names[organization] = try document.map { try DirectoryDocuments.decode($0).organizationName } ?? organization
                }
                var claim = NoticeClaim(id: try row[0], kind: Notice.Kind(rawValue: try row[1]) ?? .waiting, organizationID: organization,
                                        organizationName: names[organization] ?? organization, recipient: try row[3], attempts: try row[4])
                if claim.kind == .supporterUpdate {
                    // Its address and text are sealed in the row; one that does not open has no address and is given up.
                    let opened = openSupporterNotice(id: claim.id, sealedRecipient: try row[5], sealedMessage: try row[6])
                    claim.recipient = opened?.recipient ?? ""
                    claim.supporterNotice = opened?.notice
                }
                claims.append(claim)
            }
            return claims.sorted { $0.id < $1.id }
        }
    }

    public func recordNotice(id: String, owner: String, outcome: NoticeOutcome, context: AuditContext) async throws {
        try await change { session, audit in
            let update: SQLQuery = switch outcome {
            case .sent(let messageID):
                "state = 'sent', message_id = \(messageID), attempts = attempts + 1, last_error = NULL"
            case .retry(let at, let error):
                "state = 'pending', next_attempt_at = \(at), attempts = attempts + 1, last_error = \(String(error.prefix(300)))"
            case .failed(let error):
                "state = 'failed', attempts = attempts + 1, last_error = \(String(error.prefix(300)))"
            }
            guard let row = try await session.firstRow("""
                UPDATE notice SET \(update), lease_owner = NULL, lease_until = NULL, updated_at = \(context.now)
                WHERE id = \(id) AND state = 'claimed' AND lease_owner = \(owner)
                RETURNING kind, organization_id, referral_id
                """) else { return }
            let kind: String = try row[0]
            let organization: String = try row[1]
            // A supporter's notice names its referral (never the address): the send of a person's data is on the record.
            let about = (try row[2] as String?).map { "about \($0)" } ?? "for \(organization)"
            switch outcome {
            case .sent(let messageID):
                audit.record(context.entry(.execute, "notice", id, purpose: "operations", detail: "\(kind) \(about) sent as \(messageID)"))
            case .failed(let error):
                audit.record(context.entry(.execute, "notice", id, outcome: .failure, purpose: "operations",
                                           detail: "\(kind) \(about) given up: \(error.prefix(200))"))
            case .retry: break
            }
        }
    }
}
