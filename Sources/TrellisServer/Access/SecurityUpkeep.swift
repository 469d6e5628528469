public import Foundation
public import Logging
public import ServiceLifecycle
public import TrellisStore

/// Beside the server: every `interval` seconds audits the failed authentications of the minutes that
/// have closed and prunes the sign-in limiter's aged-out entries; at shutdown audits what is left,
/// so no counted failure is lost when the server stops.
public struct SecurityUpkeep: ServiceLifecycle.Service {
    let failures: FailedAuthentications
    let limiter: SignInLimiter
    let audit: any AuditLog
    let interval: TimeInterval
    let logger: Logger

    public init(failures: FailedAuthentications, limiter: SignInLimiter, audit: any AuditLog, interval: TimeInterval = 10, logger: Logger) {
        self.failures = failures
        self.limiter = limiter
        self.audit = audit
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
            await flush(everything: false)
            limiter.prune()
        }
        await flush(everything: true)
    }

    func flush(everything: Bool) async {
        do { try await failures.flush(to: audit, everything: everything) } catch {
            logger.warning("failed authentications could not be audited yet; kept for the next try", metadata: ["error.type": "\(type(of: error))"])
        }
    }
}
