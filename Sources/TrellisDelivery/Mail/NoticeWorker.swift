public import Foundation
public import Logging
public import ServiceLifecycle
import TrellisCore
public import TrellisStore

/// Sends the notices the store queued (a referral waiting in an inbox, one past its deadline, the
/// daily reminder) through `MailSender`, with retries. A mail server that is down or refuses delays
/// notices only: referrals never wait for mail. Each notice is leased, so two servers sharing a
/// database send it once.
public struct NoticeWorker: ServiceLifecycle.Service {
    let store: any NoticeRepository
    let sender: MailSender
    let logger: Logger
    let owner = "notices-" + UUID().uuidString.prefix(8).lowercased()
    /// How often the queue is looked at, and due notices (overdue, daily) are queued.
    let every: TimeInterval
    let now: @Sendable () -> Date
    /// A notice that keeps failing is given up after this many attempts.
    static let attempts = 8

    public init(store: any NoticeRepository, sender: MailSender, every: TimeInterval = 30, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.sender = sender
        self.every = every
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do { _ = try await runOnce() } catch {
                logger.warning("notices: a round failed; trying again later", metadata: ["error.type": "\(type(of: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(every)) }
        }
        try? await sender.shutdown()
    }

    /// Queues what has come due, then sends what is queued; returns the notices sent.
    @discardableResult
    public func runOnce() async throws -> Int {
        let started = now()
        let context = AuditContext(actor: "system:notices", purpose: "operations", now: started)
        _ = try await store.queueDueNotices(now: started, context: context)
        var sent = 0
        for claim in try await store.claimNotices(owner: owner, now: started, lease: 300, limit: 50) {
            let outcome = await send(claim)
            if case .sent = outcome { sent += 1 }
            try await store.recordNotice(id: claim.id, owner: owner, outcome: outcome, context: AuditContext(actor: "system:notices", purpose: "operations", now: now()))
        }
        return sent
    }

    func send(_ claim: NoticeClaim) async -> NoticeOutcome {
        guard let recipient = MailAddress(claim.recipient) else { return .failed("not an e-mail address") }
        do throws(MailError) {
            if let update = claim.supporterNotice {
                // A supporter's copy of a status change: its own wording, nothing of the agency or the need.
                let message = MailMessage(supporterNotice: update, to: recipient, settings: sender.settings, date: now())
                try await sender.send(message)
                return .sent(messageID: message.messageID)
            }
            guard claim.kind != .supporterUpdate else { return .failed("the supporter notice does not open") }
            let notice = Notice(kind: claim.kind, organizationName: claim.organizationName, site: sender.settings.site)
            return .sent(messageID: try await sender.send(notice, to: recipient, date: now()))
        } catch {
            logger.warning("notices: not sent", metadata: ["notice.id": "\(claim.id)", "notice.organization": "\(claim.organizationID)",
                                                           "mail.error": "\(error.kind)", "mail.reply": "\(error.replyCode.map(String.init) ?? "-")"])
            guard error.isRetryable, claim.attempts + 1 < Self.attempts else { return .failed("\(error.kind): \(error)") }
            // 1, 4, 16, 64 … minutes, at most a day.
            let wait = min(86_400, 60 * pow(4, Double(claim.attempts)))
            return .retry(at: now().addingTimeInterval(wait), error: "\(error.kind): \(error)")
        }
    }
}
