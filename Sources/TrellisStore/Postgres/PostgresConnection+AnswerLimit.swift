import Logging
import PostgresNIO
import Synchronization

extension PostgresConnection {
    /// Runs one statement, and gives up on it if PostgreSQL has not answered within `limit`.
    ///
    /// postgres-nio never answers a statement written to a connection that has closed (the write is
    /// dropped), and PostgreSQL going down closes connections between a transaction's statements: the
    /// database-loss drill saw a request never answered and a health check that never returned. A
    /// statement on a closed connection fails here at once; one that still gets no answer is abandoned
    /// after `limit` and its connection closed, so the call ends as "unavailable" (503) and its
    /// transaction can no longer commit. (A COMMIT PostgreSQL applied just before is reported unavailable
    /// too; a client retrying with its request key gets the one referral it made.)
    func answered<T: Sendable>(within limit: Duration, logger: Logger, _ statement: @escaping @Sendable () async throws -> T) async throws -> T {
        guard !isClosed else { throw StoreUnavailable(reason: "the database connection has closed") }
        let waiting = Mutex<CheckedContinuation<T, any Error>?>(nil)
        // Only the first outcome counts.
        let settle: @Sendable (Result<T, any Error>) -> Void = { outcome in
            waiting.withLock { continuation in
                continuation?.resume(with: outcome)
                continuation = nil
            }
        }
        let gaveUp = AtomicFlag()
        let unanswered = StoreUnavailable(reason: "no answer from PostgreSQL within \(limit)")
        return try await withCheckedThrowingContinuation { continuation in
            waiting.withLock { $0 = continuation }
            let timer = Task { [self] in
                try await Task.sleep(for: limit)
                gaveUp.set()
                logger.error("PostgreSQL has not answered a statement within \(limit): its connection is closed",
                             metadata: ["db.connection_id": "\(id)"])
                // Closed before the caller hears of it, so the pool never hands this connection out again.
                try? await close()
                settle(.failure(unanswered))
            }
            Task {
                let outcome: Result<T, any Error>
                do { outcome = .success(try await statement()) } catch { outcome = .failure(error) }
                timer.cancel()
                // A statement ended by the closing is unanswered, whatever postgres-nio says of it.
                settle(gaveUp.isSet ? .failure(unanswered) : outcome)
            }
        }
    }
}
