public import Foundation

/// A token as an administrator sees it: its public id and dates, never its secret or hash.
public struct TokenRecord: Codable, Hashable, Sendable, Identifiable {
    public enum Kind: String, Codable, CaseIterable, Hashable, Sendable {
        /// A web page's sign-in, in its session cookie.
        case session
        /// An API token (`trellis user add --token`, `trellis partner token`).
        case api
    }

    public var id: String
    public var userID: String
    public var kind: Kind
    public var createdAt: Date
    public var expiresAt: Date?
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public init(id: String, userID: String, kind: Kind, createdAt: Date, expiresAt: Date?, lastUsedAt: Date?, revokedAt: Date?) {
        self.id = id
        self.userID = userID
        self.kind = kind
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }

    /// Whether it still opens a session at `now`.
    public func isInForce(at now: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { $0 > now } ?? true)
    }

    enum CodingKeys: String, CodingKey {
        case id, kind
        case userID = "user_id", createdAt = "created_at", expiresAt = "expires_at", lastUsedAt = "last_used_at", revokedAt = "revoked_at"
    }
}
