import Crypto
import Foundation
import Synchronization
import TrellisStore

/// API tokens recently checked against the store, so a busy client is not a database write (the
/// sign-in audit record and last-use time) on every request. A token is checked again, and its use
/// audited again, after `lifetime`: a revoked token or disabled user stops working within that time.
final class TokenCache: Sendable {
    let lifetime: TimeInterval
    static let capacity = 10_000
    private let entries = Mutex<[Data: (user: UserAccount, until: Date)]>([:])

    init(lifetime: TimeInterval = 30) { self.lifetime = lifetime }

    func user(for secret: String, now: Date = Date()) -> UserAccount? {
        let key = Self.key(secret)
        return entries.withLock { table in
            guard let entry = table[key] else { return nil }
            guard entry.until > now else { table[key] = nil; return nil }
            return entry.user
        }
    }

    func remember(_ user: UserAccount, for secret: String, now: Date = Date()) {
        entries.withLock { table in
            if table.count >= Self.capacity { table = table.filter { $0.value.until > now } }
            if table.count >= Self.capacity { table.removeAll(keepingCapacity: true) }
            table[Self.key(secret)] = (user, now.addingTimeInterval(lifetime))
        }
    }

    func forget(_ secret: String) { _ = entries.withLock { $0.removeValue(forKey: Self.key(secret)) } }

    /// Drops every token of a user who was just disabled or had tokens revoked on this server, so the
    /// next request is checked against the store. Other servers drop them within `lifetime`.
    func forget(userID: String) { entries.withLock { table in table = table.filter { $0.value.user.id != userID } } }

    static func key(_ secret: String) -> Data { Data(SHA256.hash(data: Data(secret.utf8))) }
}
