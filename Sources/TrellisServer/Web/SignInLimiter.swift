import Foundation
import Synchronization

/// Slows password guessing: after 5 failed sign-ins for one user name from one address, or 20 from
/// one address for any names, within 15 minutes, further attempts are refused until the oldest
/// failure ages out. Success clears the user name's count. Per process: each server counts its own.
final class SignInLimiter: Sendable {
    static let window: TimeInterval = 15 * 60
    static let perAccount = 5
    static let perAddress = 20

    private let failures = Mutex<[String: [Date]]>([:])

    /// Seconds until the next attempt may be made, or nil when it may be made now.
    func retryAfter(user: String, address: String, now: Date = Date()) -> Int? {
        failures.withLock { table in
            let keys = [Self.key(user, address), Self.key(nil, address)]
            let limits = [Self.perAccount, Self.perAddress]
            var wait: TimeInterval?
            for (key, limit) in zip(keys, limits) {
                let recent = (table[key] ?? []).filter { now.timeIntervalSince($0) < Self.window }
                table[key] = recent
                if recent.count >= limit, let oldest = recent.first {
                    wait = max(wait ?? 0, Self.window - now.timeIntervalSince(oldest))
                }
            }
            return wait.map { max(1, Int($0.rounded(.up))) }
        }
    }

    func failed(user: String, address: String, now: Date = Date()) {
        failures.withLock { table in
            table[Self.key(user, address), default: []].append(now)
            table[Self.key(nil, address), default: []].append(now)
            if table.count > 100_000 { table = table.filter { !$0.value.isEmpty } }  // bounded under a spray
        }
    }

    func succeeded(user: String, address: String) {
        _ = failures.withLock { $0.removeValue(forKey: Self.key(user, address)) }
    }

    static func key(_ user: String?, _ address: String) -> String { (user?.lowercased() ?? "*") + "|" + address }
}
