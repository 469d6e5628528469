public import Foundation

/// How the delivery worker paces itself.
public struct DeliverySettings: Sendable {
    /// Requests in flight at once, across partners.
    public var concurrency: Int
    /// Requests in flight at once to any one partner, so a partner that hangs holds only these slots
    /// and the others keep theirs.
    public var perPartnerConcurrency: Int
    /// Rows claimed per round.
    public var batchSize: Int
    /// How long a claim is held before another worker may take it over; longer than the total timeout.
    public var lease: TimeInterval
    public var retry: RetryPolicy
    public var transport: TransportSettings
    public var breakerThreshold: Int
    public var breakerCoolDown: TimeInterval
    /// How often an idle worker looks for new rows.
    public var idlePoll: TimeInterval
    /// Finished deliveries recorded together, in one transaction.
    public var recordBatch: Int

    public init(concurrency: Int = 8, perPartnerConcurrency: Int? = nil, batchSize: Int = 64, lease: TimeInterval = 120, retry: RetryPolicy = .standard,
                transport: TransportSettings = TransportSettings(), breakerThreshold: Int = 5, breakerCoolDown: TimeInterval = 60,
                idlePoll: TimeInterval = 1, recordBatch: Int = 32) {
        self.concurrency = concurrency
        self.perPartnerConcurrency = max(1, min(perPartnerConcurrency ?? concurrency / 2, concurrency))
        self.batchSize = batchSize
        self.lease = lease
        self.retry = retry
        self.transport = transport
        self.breakerThreshold = breakerThreshold
        self.breakerCoolDown = breakerCoolDown
        self.idlePoll = idlePoll
        self.recordBatch = recordBatch
    }
}
