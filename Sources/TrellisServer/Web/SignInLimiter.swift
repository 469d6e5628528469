public import Foundation
import Synchronization

/// Slows password guessing. Within 15 minutes, after 5 failed sign-ins for one user name from one
/// address, 20 from one address for any names, or 10 for one user name from all addresses together
/// (a guesser spreading over many addresses), further attempts are refused until the oldest failure
/// ages out. Success clears the name's count from that address. Entries whose failures have all aged
/// out are pruned on a timer (`SecurityUpkeep`). Per process: each server counts its own.
public final class SignInLimiter: Sendable {
    static let window: TimeInterval = 15 * 60
    static let perAccountAndAddress = 5
    static let perAddress = 20
    static let perAccount = 10

    enum Key: Hashable {
        case accountAtAddress(String, String)
        case address(String)
        case account(String)
    }

    static let capacity = 100_000
    private let failures = Mutex<[Key: [Date]]>([:])

    public init() {}

    /// Seconds until the next attempt may be made, or nil when it may be made now.
    func retryAfter(user: String, address: String, now: Date = Date()) -> Int? {
        failures.withLock { table in
            let limits = zip(Self.keys(user, address), [Self.perAccountAndAddress, Self.perAddress, Self.perAccount])
            var wait: TimeInterval?
            for (key, limit) in limits {
                let recent = (table[key] ?? []).filter { now.timeIntervalSince($0) < Self.window }
                table[key] = recent.isEmpty ? nil : recent
                if recent.count >= limit, let oldest = recent.first {
                    wait = max(wait ?? 0, Self.window - now.timeIntervalSince(oldest))
                }
            }
            return wait.map { max(1, Int($0.rounded(.up))) }
        }
    }

    func failed(user: String, address: String, now: Date = Date()) {
        failures.withLock { table in
            if table.count >= Self.capacity { Self.removeAgedOut(&table, now: now) }  // bounded under a spray
            for key in Self.keys(user, address) {
                var recent = table[key, default: []]
                recent.append(now)
                // Only the newest `perAddress` matter to any limit: a hammered key stays small.
                if recent.count > Self.perAddress { recent.removeFirst(recent.count - Self.perAddress) }
                table[key] = recent
            }
        }
    }

    func succeeded(user: String, address: String) {
        _ = failures.withLock { $0.removeValue(forKey: .accountAtAddress(user.lowercased(), address)) }
    }

    /// Forgets every entry whose failures have all aged out; returns how many remain.
    @discardableResult
    public func prune(now: Date = Date()) -> Int {
        failures.withLock { table in
            Self.removeAgedOut(&table, now: now)
            return table.count
        }
    }

    var entries: Int { failures.withLock { $0.count } }

    static func removeAgedOut(_ table: inout [Key: [Date]], now: Date) {
        table = table.filter { _, times in times.last.map { now.timeIntervalSince($0) < window } ?? false }
    }

    /// The name from the address, any name from the address, the name from anywhere.
    static func keys(_ user: String, _ address: String) -> [Key] {
        let name = user.lowercased()
        return [.accountAtAddress(name, address), .address(address), .account(name)]
    }
}
