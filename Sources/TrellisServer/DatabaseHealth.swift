import Foundation
import Hummingbird
public import Logging
public import ServiceLifecycle
import Synchronization
public import TrellisStore

/// Watches whether the database answers, every `interval`, with an answer expected within `timeout`.
/// While it does not, requests that need it are answered 503 at once instead of waiting for the
/// connection pool to give up (which takes a minute), and `/readyz` says so; when it answers again,
/// service resumes by itself.
public final class DatabaseHealth: ServiceLifecycle.Service, Sendable {
    let store: any DirectoryRepository
    let interval: Duration
    let timeout: Duration
    let logger: Logger
    private let state = Mutex<(reachable: Bool, probing: Bool)>((true, false))

    public init(store: any DirectoryRepository, interval: Duration = .seconds(2), timeout: Duration = .seconds(2), logger: Logger) {
        self.store = store
        self.interval = interval
        self.timeout = timeout
        self.logger = logger
    }

    public var isReachable: Bool { state.withLock { $0.reachable } }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await checkNow()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
    }

    /// Asks the database once and records the answer.
    public func checkNow() async {
            // A question still out (asked by another caller, or hung past its time limit) already
            // decided the state; asking again would only pile up questions.
            guard let reachable = await probe() else { return }
            let changed = state.withLock { current -> Bool in
                defer { current.reachable = reachable }
                return current.reachable != reachable
            }
            if changed {
                if reachable { logger.notice("the database answers again: full service resumes") } else {
                    logger.error("the database does not answer: requests that need it get 503 until it does")
                }
            }
    }

    /// One question to the database, given up after `timeout`; nil when one is already out.
    func probe() async -> Bool? {
        let alreadyAsking = state.withLock { current -> Bool in
            defer { current.probing = true }
            return current.probing
        }
        guard !alreadyAsking else { return nil }
        let answered = Mutex<CheckedContinuation<Bool, Never>?>(nil)
        return await withCheckedContinuation { continuation in
            answered.withLock { $0 = continuation }
            let finish: @Sendable (Bool) -> Void = { ok in answered.withLock { $0?.resume(returning: ok); $0 = nil } }
            Task {
                let ok: Bool
                do { _ = try await self.store.latestSnapshot(); ok = true } catch { ok = false }
                self.state.withLock { $0.probing = false }
                finish(ok)
            }
            Task {
                try? await Task.sleep(for: self.timeout)
                finish(false)
            }
        }
    }
}

/// Answers 503 at once while the database is known not to answer, except for `/healthz` (the process
/// itself is fine) and `/readyz` (which says what is wrong).
struct DatabaseGate: RouterMiddleware {
    typealias Context = TrellisRequestContext
    let health: DatabaseHealth

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !health.isReachable, request.uri.path != "/healthz", request.uri.path != "/readyz" else {
            do {
                return try await next(request, context)
            } catch where StoreAvailability.isUnavailable(error) {
                // Ask now rather than at the next tick, so the requests behind this one get 503 at once.
                Task { await health.checkNow() }
                throw error
            }
        }
        return APIError.databaseUnavailable.response
    }
}
