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
    /// One question to the database: returns when it answers, throws when it cannot.
    let ask: @Sendable () async throws -> Void
    let interval: Duration
    let timeout: Duration
    /// A question still out after this long is taken as hung, and the next check asks again.
    let stuckAfter: Duration
    let logger: Logger
    /// The time, for judging a question hung (tests move it on).
    let now: @Sendable () -> ContinuousClock.Instant
    private let state = Mutex<State>(State())

    private struct State {
        var reachable = true
        /// The question out, if any: its number and when it was asked.
        var outstanding: (number: Int, since: ContinuousClock.Instant)?
        var asked = 0
    }

    public convenience init(store: any DirectoryRepository, interval: Duration = .seconds(2), timeout: Duration = .seconds(2), logger: Logger) {
        self.init(interval: interval, timeout: timeout, logger: logger) { _ = try await store.latestSnapshot() }
    }

    public init(interval: Duration = .seconds(2), timeout: Duration = .seconds(2), stuckAfter: Duration? = nil, logger: Logger,
                now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }, ask: @escaping @Sendable () async throws -> Void) {
        self.ask = ask
        self.now = now
        self.interval = interval
        self.timeout = timeout
        self.stuckAfter = stuckAfter ?? timeout * 5
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
        // A question still out (asked by another caller) already decides the state; asking again
        // would only pile up questions, unless it has hung (then the state would never change again).
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

    /// One question to the database, given up after `timeout`; nil when one asked less than
    /// `stuckAfter` ago is still out.
    func probe() async -> Bool? {
        let now = self.now()
        let (number, replacesStuck) = state.withLock { current -> (Int?, Bool) in
            if let out = current.outstanding, out.since.duration(to: now) < stuckAfter { return (nil, false) }
            let stuck = current.outstanding != nil
            current.asked += 1
            current.outstanding = (current.asked, now)
            return (current.asked, stuck)
        }
        guard let number else { return nil }
        if replacesStuck {
            logger.warning("a database check has not returned after \(stuckAfter): asking again")
        }
        let answered = Mutex<CheckedContinuation<Bool, Never>?>(nil)
        return await withCheckedContinuation { continuation in
            answered.withLock { $0 = continuation }
            let finish: @Sendable (Bool) -> Void = { ok in answered.withLock { $0?.resume(returning: ok); $0 = nil } }
            Task {
                let ok: Bool
                do { try await self.ask(); ok = true } catch { ok = false }
                // Only the latest question clears the slot: a hung one that returns late does not.
                self.state.withLock { if $0.outstanding?.number == number { $0.outstanding = nil } }
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
