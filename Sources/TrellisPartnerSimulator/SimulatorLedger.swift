public import Foundation
import Synchronization

/// What the simulator has received, by Idempotency-Key, and what it did.
public final class SimulatorLedger: Sendable {
    public struct Receipt: Codable, Hashable, Sendable {
        public var referralID: String
        public var idempotencyKey: String
        public var receivedAt: Date
        /// Set once the simulated agency has answered.
        public var status: String

        enum CodingKeys: String, CodingKey {
            case status
            case referralID = "referral_id", idempotencyKey = "idempotency_key", receivedAt = "received_at"
        }
    }

    public struct Counts: Codable, Hashable, Sendable {
        public var received = 0
        public var duplicates = 0
        public var injectedFailures = 0
        public var badSignatures = 0
        public var callbacksSent = 0
        public var callbacksFailed = 0

        enum CodingKeys: String, CodingKey {
            case received, duplicates
            case injectedFailures = "injected_failures", badSignatures = "bad_signatures"
            case callbacksSent = "callbacks_sent", callbacksFailed = "callbacks_failed"
        }
    }

    private struct State {
        var receipts: [String: Receipt] = [:]
        var counts = Counts()
        var failRateOverride: Double?
    }

    private let state = Mutex(State())

    public init() {}

    public var counts: Counts { state.withLock { $0.counts } }

    /// A share of failures set while the simulator runs (an outage that ends); nil: the start-up setting.
    public var failRateOverride: Double? {
        get { state.withLock { $0.failRateOverride } }
        set { state.withLock { $0.failRateOverride = newValue } }
    }
    public var receipts: [Receipt] { state.withLock { Array($0.receipts.values) }.sorted { $0.receivedAt < $1.receivedAt } }

    public func receipt(idempotencyKey: String) -> Receipt? { state.withLock { $0.receipts[idempotencyKey] } }
    public func receipt(referralID: String) -> Receipt? { state.withLock { $0.receipts.values.first { $0.referralID == referralID } } }

    /// Records a new referral; false when the key was seen before (a retry of a delivered referral).
    func record(_ receipt: Receipt) -> Bool {
        state.withLock { state in
            if state.receipts[receipt.idempotencyKey] != nil {
                state.counts.duplicates += 1
                return false
            }
            state.receipts[receipt.idempotencyKey] = receipt
            state.counts.received += 1
            return true
        }
    }

    func answer(_ idempotencyKey: String, status: String) {
        state.withLock { $0.receipts[idempotencyKey]?.status = status }
    }

    func count(_ change: (inout Counts) -> Void) { state.withLock { change(&$0.counts) } }
}
