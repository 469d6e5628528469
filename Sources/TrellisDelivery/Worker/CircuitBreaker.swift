public import Foundation
import Synchronization

/// Per partner: after `threshold` consecutive failures that partner's queue pauses for `coolDown`,
/// then one trial request decides whether it reopens. Other partners are never slowed.
public final class CircuitBreaker: Sendable {
    public enum State: Equatable, Sendable {
        case closed
        case open(until: Date)
        /// One trial is in flight.
        case trial
    }

    private struct Partner {
        var failures = 0
        var state = State.closed
    }

    public let threshold: Int
    public let coolDown: TimeInterval
    private let partners = Mutex<[String: Partner]>([:])

    public init(threshold: Int = 5, coolDown: TimeInterval = 60) {
        self.threshold = threshold
        self.coolDown = coolDown
    }

    /// Whether a request to the partner may go now; when not, the moment it may.
    public func permit(_ partnerID: String, now: Date) -> Date? {
        partners.withLock { all in
            var partner = all[partnerID] ?? Partner()
            defer { all[partnerID] = partner }
            switch partner.state {
            case .closed: return nil
            case .trial: return now.addingTimeInterval(min(coolDown, 1))
            case .open(let until):
                if now < until { return until }
                partner.state = .trial
                return nil
            }
        }
    }

    public func succeeded(_ partnerID: String) {
        partners.withLock { $0[partnerID] = Partner() }
    }

    /// Records a failure; returns true when this failure opened the circuit.
    @discardableResult
    public func failed(_ partnerID: String, now: Date) -> Bool {
        partners.withLock { all in
            var partner = all[partnerID] ?? Partner()
            defer { all[partnerID] = partner }
            partner.failures += 1
            let opens = partner.state == .trial || (partner.state == .closed && partner.failures >= threshold)
            if opens { partner.state = .open(until: now.addingTimeInterval(coolDown)) }
            return opens
        }
    }

    public func state(_ partnerID: String) -> State {
        partners.withLock { $0[partnerID]?.state ?? .closed }
    }
}
