public import Foundation

/// A person who signs in to Trellis, in one organization, with one role.
public struct UserAccount: Codable, Hashable, Sendable, Identifiable {
    public enum Role: String, Codable, CaseIterable, Hashable, Sendable {
        case caseworker, supervisor, admin
        /// A partner agency's system holding a partner token; its organization id is the partner's id.
        case partner
    }

    public var id: String
    public var name: String
    public var role: Role
    public var organizationID: String
    public var createdAt: Date
    public var disabledAt: Date?

    public init(id: String, name: String, role: Role, organizationID: String, createdAt: Date, disabledAt: Date? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.organizationID = organizationID
        self.createdAt = createdAt
        self.disabledAt = disabledAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, role
        case organizationID = "organization_id", createdAt = "created_at", disabledAt = "disabled_at"
    }
}

/// An API token as issued: the secret is shown once and only its SHA-256 is stored.
public struct IssuedToken: Hashable, Sendable {
    public var id: String
    public var userID: String
    public var secret: String
    public var expiresAt: Date?

    /// 32 random bytes, URL-safe base64, with a prefix that says what it is when it turns up in a log.
    static func make(userID: String, expiresAt: Date?) -> IssuedToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let secret = "trt_" + bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return IssuedToken(id: StoreID.make("tok"), userID: userID, secret: secret, expiresAt: expiresAt)
    }
}
