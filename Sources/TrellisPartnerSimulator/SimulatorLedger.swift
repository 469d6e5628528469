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
        /// Partner messages received: consent revocations and case workers' messages (JSON or FHIR).
        public var partnerMessages = 0

        enum CodingKeys: String, CodingKey {
            case received, duplicates
            case injectedFailures = "injected_failures", badSignatures = "bad_signatures"
            case callbacksSent = "callbacks_sent", callbacksFailed = "callbacks_failed", partnerMessages = "partner_messages"
        }
    }

    /// What `wait(until:)` looks at: the counts and the receipts, oldest first.
    public struct Snapshot: Sendable {
        public var counts: Counts
        public var receipts: [Receipt]
    }

    private struct Waiter {
        var condition: @Sendable (Snapshot) -> Bool
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var receipts: [String: Receipt] = [:]
        var counts = Counts()
        var failRateOverride: Double?
        var waiters: [UInt64: Waiter] = [:]
        var nextWaiter: UInt64 = 0

        var snapshot: Snapshot { Snapshot(counts: counts, receipts: receipts.values.sorted { $0.receivedAt < $1.receivedAt }) }

        /// Takes out the waiters whose condition now holds, to be resumed outside the lock.
        mutating func satisfied() -> [CheckedContinuation<Void, Never>] {
            guard !waiters.isEmpty else { return [] }
            let now = snapshot
            let ready = waiters.filter { $0.value.condition(now) }
            for id in ready.keys { waiters[id] = nil }
            return ready.values.map(\.continuation)
        }
    }

    private let state = Mutex(State())

    public init() {}

    /// Returns once `condition` holds: checked now and after every change the simulator records, so a
    /// test waits on the event itself (a receipt answered, a callback sent) instead of sleeping.
    /// Cancelling the waiting task ends the wait.
    public func wait(until condition: @escaping @Sendable (Snapshot) -> Bool) async {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if condition(state.snapshot) || Task.isCancelled { return true }
                    state.waiters[id] = Waiter(condition: condition, continuation: continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
        }
    }

    /// Applies `body` to the state and wakes the waiters it satisfied.
    private func change<T>(_ body: (inout State) -> T) -> T {
        let (result, ready) = state.withLock { state in
            let result = body(&state)
            return (result, state.satisfied())
        }
        for continuation in ready { continuation.resume() }
        return result
    }

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
        change { state in
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
        change { $0.receipts[idempotencyKey]?.status = status }
    }

    func count(_ update: (inout Counts) -> Void) { change { update(&$0.counts) } }
}
