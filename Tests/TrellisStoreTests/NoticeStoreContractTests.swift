import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// Notices about an inbox: queued with the change that calls for them, once per recipient, leased to
/// one worker, and recorded with what became of them.
@Suite struct NoticeStoreContractTests {
    typealias H = StoreHarness

    static let inbox = Partner(id: "harbor-inbox", organizations: ["ORG-SHELTER"], endpoint: nil, notifyEmail: "intake@harbor.example.org")

    static func desk(_ store: any TrellisStore) async throws {
        try await store.addUser(UserAccount(id: "ag-1", name: "Desk", role: .agency, organizationID: "ORG-SHELTER", createdAt: H.capturedAt,
                                            notifyEmail: "desk@harbor.example.org"), passwordHash: nil, context: H.caseWorker())
    }

    @Test(arguments: AuditBackend.allCases)
    func aReferralReachingAnInboxQueuesOneWaitingNoticePerRecipient(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            try await store.savePartner(Self.inbox, context: H.caseWorker())
            try await Self.desk(store)
            let now = Date()
            _ = try await store.createReferral(H.request(), context: H.caseWorker(now))
            let claims = try await store.claimNotices(owner: "w1", now: now, lease: 60, limit: 10)
            #expect(claims.map(\.recipient).sorted() == ["desk@harbor.example.org", "intake@harbor.example.org"])
            #expect(claims.allSatisfy { $0.kind == .waiting && $0.organizationID == "ORG-SHELTER" && $0.organizationName == "Org ORG-SHELTER" })
            // Leased: another worker finds nothing until the lease runs out.
            #expect(try await store.claimNotices(owner: "w2", now: now, lease: 60, limit: 10).isEmpty)
            #expect(try await store.claimNotices(owner: "w2", now: now.addingTimeInterval(61), lease: 60, limit: 10).count == 2)
            // An endpoint partner's referral queues none.
            _ = try await store.createReferral(H.request(H.clinic), context: H.caseWorker(now))
            #expect(try await store.claimNotices(owner: "w3", now: now.addingTimeInterval(200), lease: 60, limit: 10).count == 2)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func overdueAndDailyNoticesAreQueuedOnceEach(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            try await store.savePartner(Self.inbox, context: H.caseWorker())
            let sent = H.at("2026-12-01T15:00:00Z")  // a Tuesday: answer due two business days later
            let referral = try await store.createReferral(H.request(), context: H.caseWorker(sent))
            _ = try await store.claimNotices(owner: "w", now: sent, lease: 1, limit: 10)  // the waiting notice
            let system = AuditContext(actor: "system:notices", purpose: "operations")
            let later = try #require(referral.respondBy).addingTimeInterval(60)
            #expect(try await store.queueDueNotices(now: later, context: system) == 2, "overdue, and the daily reminder")
            #expect(try await store.queueDueNotices(now: later.addingTimeInterval(600), context: system) == 0, "each once")
            #expect(try await store.queueDueNotices(now: later.addingTimeInterval(86_400), context: system) == 1, "the next day's reminder")
            let kinds = try await store.claimNotices(owner: "w", now: later.addingTimeInterval(86_400), lease: 60, limit: 10).map(\.kind)
            #expect(kinds.filter { $0 == .overdue }.count == 1 && kinds.filter { $0 == .dailyReminder }.count == 2)
            // Answered, nothing more is due.
            _ = try await store.changeStatus(StatusChangeRequest(referralID: referral.id, status: .accepted, party: .agency), context: H.agency())
            #expect(try await store.queueDueNotices(now: later.addingTimeInterval(3 * 86_400), context: system) == 0)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aNoticesOutcomeIsRecordedAndASentOneAudited(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            try await store.savePartner(Self.inbox, context: H.caseWorker())
            let now = Date()
            _ = try await store.createReferral(H.request(), context: H.caseWorker(now))
            let claim = try #require(try await store.claimNotices(owner: "w", now: now, lease: 60, limit: 10).first)
            let system = AuditContext(actor: "system:notices", purpose: "operations", now: now)
            try await store.recordNotice(id: claim.id, owner: "w", outcome: .retry(at: now.addingTimeInterval(120), error: "connect"), context: system)
            #expect(try await store.claimNotices(owner: "w", now: now.addingTimeInterval(60), lease: 60, limit: 10).isEmpty, "not before its retry")
            let again = try #require(try await store.claimNotices(owner: "w", now: now.addingTimeInterval(121), lease: 60, limit: 10).first)
            #expect(again.id == claim.id && again.attempts == 1)
            // Another worker's record of it changes nothing.
            try await store.recordNotice(id: claim.id, owner: "someone-else", outcome: .sent(messageID: "<x@y>"), context: system)
            try await store.recordNotice(id: claim.id, owner: "w", outcome: .sent(messageID: "<n1@trellis>"), context: system)
            let record = try #require(try await store.audit.head()).event
            #expect(record.entity == "notice" && record.entityID == claim.id && record.detail?.hasSuffix("sent as <n1@trellis>") == true)
            #expect(try await store.claimNotices(owner: "w", now: now.addingTimeInterval(10_000), lease: 60, limit: 10).isEmpty)
        }
    }
}
