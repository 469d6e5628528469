/// What the service is holding right now, for monitoring: referrals by status, outbox rows by state,
/// and delivery attempts by outcome (totals since the database began). Counted by the database, so
/// every server sharing it reports the same figures.
public struct OperationalCounts: Hashable, Sendable {
    public var referralsByStatus: [String: Int] = [:]
    public var outboxByState: [String: Int] = [:]
    public var attemptsByOutcome: [String: Int] = [:]

    public init() {}

    /// Rows waiting to go out: pending or held by a worker.
    public var outboxDepth: Int { (outboxByState["pending"] ?? 0) + (outboxByState["claimed"] ?? 0) }

    static let queries = (
        referrals: "SELECT status, count(*) FROM referral GROUP BY status",
        outbox: "SELECT state, count(*) FROM outbox GROUP BY state",
        attempts: "SELECT outcome, count(*) FROM delivery_attempt GROUP BY outcome"
    )
}

/// Figures for `/metrics`.
public protocol MonitoringRepository: Sendable {
    func operationalCounts() async throws -> OperationalCounts
}
