public import Foundation

/// What the store makes of a presented token.
public enum TokenCheck: Hashable, Sendable {
    /// In force: its user.
    case valid(UserAccount)
    /// A web session unused for longer than its idle limit: ended now (revoked and audited once), so
    /// the next check of the same secret is a plain refusal.
    case idle(tokenID: String, idleLimit: TimeInterval)
    /// Unknown, revoked, expired or its user disabled.
    case refused

    public var user: UserAccount? {
        if case .valid(let user) = self { return user }
        return nil
    }
}

/// How often a token's last use is written. A page view is a request; writing the last use (and its
/// audit record) on each would be a database write per page, so it is written only when the stored
/// one is at least this old. An idle limit therefore measures from a last use up to this much
/// earlier than the real one: a session may end up to a minute early, never late.
public enum TokenUse {
    public static let writeInterval: TimeInterval = 60

    /// Whether a session last used (or created) at `since` has gone unused past `idleLimit` at `now`.
    public static func isIdle(since: Date, idleLimit: TimeInterval?, now: Date) -> Bool {
        guard let idleLimit else { return false }
        return now.timeIntervalSince(since) >= idleLimit
    }

    /// Whether the stored last use is old enough to be written again.
    public static func isDue(lastUsedAt: Date?, now: Date) -> Bool {
        guard let lastUsedAt else { return true }
        return now.timeIntervalSince(lastUsedAt) >= writeInterval
    }
}
