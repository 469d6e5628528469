public import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization
import TrellisCore
public import TrellisStore

/// Looks for referrals past their answer deadline every `interval` seconds and flags each newly
/// overdue one once: a warning naming the referral and agency (ids only) and an audit record, so a
/// supervisor's dashboard and the audit trail show who was chased and when.
public struct OverdueChecker: ServiceLifecycle.Service {
    let referrals: any ReferralRepository
    let audit: any AuditLog
    let interval: TimeInterval
    let logger: Logger
    private let flagged = FlaggedReferrals()

    public init(referrals: any ReferralRepository, audit: any AuditLog, interval: TimeInterval = 900, logger: Logger) {
        self.referrals = referrals
        self.audit = audit
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do { _ = try await check(now: Date()) } catch {
                logger.warning("overdue check failed; trying again later", metadata: ["error.type": "\(type(of: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
        }
    }

    /// Flags what became overdue since the last check; returns the newly flagged ids.
    @discardableResult
    public func check(now: Date) async throws -> [String] {
        let context = AuditContext(actor: "system:overdue", purpose: "operations", now: now)
        let overdue = try await referrals.referrals(ReferralFilter(overdueAt: now, limit: 10_000), context: context)
        let fresh = flagged.ids.withLock { seen -> [Referral] in
            let new = overdue.filter { !seen.contains($0.id) }
            seen = Set(overdue.map(\.id))  // answered ones drop out, so a set this size stays bounded
            return new
        }
        for referral in fresh {
            logger.warning("referral overdue: no answer from the agency by its deadline",
                           metadata: ["referral.id": "\(referral.id)", "referral.organization": "\(referral.organizationID)"])
            try await audit.append(context.entry(.execute, "referral", referral.id, detail: "flagged overdue: \(referral.organizationID) has not answered"))
        }
        return fresh.map(\.id)
    }
}

/// The referrals already flagged, shared by copies of the checker.
final class FlaggedReferrals: Sendable {
    let ids = Mutex<Set<String>>([])
}
