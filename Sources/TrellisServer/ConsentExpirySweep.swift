public import Foundation
public import Logging
public import ServiceLifecycle
import TrellisCore
public import TrellisStore

/// Every `interval` seconds, ends the consents whose expiry date has passed, as a revocation would:
/// what was not delivered is cancelled and a partner holding the referral at its endpoint is told
/// (`consent.revoked`, reason `expired`). Each consent is handled once (the store marks it), so sweeps
/// on several servers, or after a restart, never tell a partner twice.
public struct ConsentExpirySweep: ServiceLifecycle.Service {
    let store: any ReferralMessageRepository
    let interval: TimeInterval
    let logger: Logger

    public init(store: any ReferralMessageRepository, interval: TimeInterval = 60, logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do { _ = try await sweep(now: Date()) } catch {
                logger.warning("consent expiry sweep failed; trying again later", metadata: ["error.type": "\(type(of: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
        }
    }

    /// Handles what expired by `now`; the revocations made.
    @discardableResult
    public func sweep(now: Date) async throws -> [ConsentRevocation] {
        let handled = try await store.sweepExpiredConsents(context: AuditContext(actor: "system:consent-expiry", purpose: "operations", now: now))
        for revocation in handled {
            logger.info("consent expired: nothing more is sent under it", metadata: [
                "referral.id": "\(revocation.referralID)", "consent.id": "\(revocation.consentID)",
                "partner.messages": "\(revocation.partnerMessages.count)"])
        }
        return handled
    }
}
