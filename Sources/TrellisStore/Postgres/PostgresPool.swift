import Foundation
public import Logging
public import PostgresNIO

/// The client's connection pool, with a bound on how long a caller waits for a connection.
///
/// postgres-nio's pool holds a request for a connection until it can make one or its circuit breaker
/// trips, about a minute later. While PostgreSQL is down that is every request the server has in
/// flight, and a graceful stop waits for all of them. Here a caller that has no connection within
/// `wait` gets `StoreUnavailable` (answered 503 with Retry-After), and its place in the pool's queue
/// is withdrawn.
public struct PostgresPool: Sendable {
    public let client: PostgresClient
    public let wait: Duration
    /// A call still holding its connection this long after it got it is logged once: a call that never
    /// returns holds its request (and a graceful stop) without a word otherwise.
    public let slowCall: Duration
    /// A statement PostgreSQL has not answered within this long closes its connection
    /// (`PostgresConnection.answered`); Trellis's statements take milliseconds.
    public let answerLimit: Duration
    let logger: Logger

    public init(client: PostgresClient, wait: Duration = .seconds(3), slowCall: Duration = .seconds(10), answerLimit: Duration = .seconds(60),
                logger: Logger = Logger(label: "trellis.store.postgres")) {
        self.client = client
        self.wait = wait
        self.slowCall = slowCall
        self.answerLimit = answerLimit
        self.logger = logger
    }

    /// Runs `body` on a leased connection, in the caller's task. The lease is held by a task of its
    /// own that the caller never waits for: once the caller has its answer (or has stopped waiting for
    /// a connection) it returns at once, whatever postgres-nio is still doing with the lease. Waiting
    /// for that task held a request, and so a graceful stop, for as long as the pool took to give up
    /// while PostgreSQL was going down (the database-loss drill). A lease that arrives late finds the
    /// caller gone and hands the connection straight back.
    public func withConnection<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let (leases, leased) = AsyncStream<Result<PostgresConnection, any Error>>.makeStream()
        let (released, release) = AsyncStream<Never>.makeStream()
        defer { release.finish() }
        let (client, wait, slowCall, logger, started) = (self.client, self.wait, self.slowCall, self.logger, ContinuousClock.now)
        let lease = Task {
            do {
                while true {
                    let handedOver = try await client.withConnection { connection -> Bool in
                        // Closed since the pool last looked (a statement given up on closes its connection,
                        // and the pool hears of it a moment later): handed back, and another asked for.
                        guard !connection.isClosed else { return false }
                        let waited = started.duration(to: .now)
                        leased.yield(.success(connection))
                        leased.finish()
                        let slow = Task {
                            try await Task.sleep(for: slowCall)
                            logger.warning("a database call has held its connection for \(slowCall) and not returned",
                                           metadata: ["db.connection_id": "\(connection.id)", "db.waited_for_connection": "\(waited)"])
                        }
                        // Held until the caller's body is done (or the caller stopped waiting).
                        for await _ in released {}
                        slow.cancel()
                        return true
                    }
                    if handedOver { break }
                    try await Task.sleep(for: .milliseconds(5))
                }
            } catch {
                leased.yield(.failure(error))
                leased.finish()
            }
        }
        let deadline = Task {
            try await Task.sleep(until: started + wait)
            leased.finish()  // the wait ran out (nothing happens once a connection was handed over)
        }
        defer { deadline.cancel() }
        var next = leases.makeAsyncIterator()
        let outcome = await withTaskCancellationHandler {
            await next.next()
        } onCancel: {
            leased.finish()
        }
        switch outcome {
        case .success(let connection)?:
            return try await body(connection)
        case .failure(let error)? where !Self.isCancellation(error):
            // The pool gave up (e.g. its circuit breaker tripped): unavailable.
            throw StoreUnavailable(reason: "no database connection: \(String(describing: error).prefix(200))")
        default:
            // The wait ran out (or the caller was cancelled): its place in the pool's queue is withdrawn.
            lease.cancel()
            throw StoreUnavailable(reason: "no database connection within \(wait)")
        }
    }

    /// A query whose rows are read while the connection is held.
    public func query(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await withConnection { connection in
            try await connection.answered(within: answerLimit, logger: logger) { try await connection.query(query, logger: logger).collect() }
        }
    }

    /// BEGIN, `body`, COMMIT; ROLLBACK when `body` throws.
    public func withTransaction<T>(logger: Logger, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let limit = answerLimit
        return try await withConnection { connection in
            try await connection.answered(within: limit, logger: logger) { try await connection.query("BEGIN", logger: logger) }
            do {
                let value = try await body(connection)
                try await connection.answered(within: limit, logger: logger) { try await connection.query("COMMIT", logger: logger) }
                return value
            } catch {
                _ = try? await connection.answered(within: limit, logger: logger) { try await connection.query("ROLLBACK", logger: logger) }
                throw error
            }
        }
    }

    private static func isCancellation(_ error: any Error) -> Bool {
        error is CancellationError || String(describing: error).contains("requestCancelled")
    }
}
