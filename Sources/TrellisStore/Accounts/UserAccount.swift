public import Foundation

/// A person who signs in to Trellis, in one organization (an agency user: one or more), with one role.
public struct UserAccount: Codable, Hashable, Sendable, Identifiable {
    public enum Role: String, Codable, CaseIterable, Hashable, Sendable {
        case caseworker, supervisor, admin
        /// A partner agency's system holding a partner token; its organization id is the partner's id.
        case partner
        /// Someone at an agency with no system of its own, answering referrals addressed to its
        /// directory organizations in Trellis's inbox pages.
        case agency
    }

    public var id: String
    public var name: String
    public var role: Role
    /// The first of `organizations`.
    public var organizationID: String
    /// An agency user's directory organizations, whose referrals they answer; for everyone else, their
    /// one organization.
    public var organizations: [String]
    public var createdAt: Date
    public var disabledAt: Date?
    /// Where an agency user's notices go ("a referral is waiting"), never with a person's data.
    public var notifyEmail: String?

    public init(id: String, name: String, role: Role, organizationID: String, organizations: [String]? = nil, createdAt: Date,
                disabledAt: Date? = nil, notifyEmail: String? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.organizationID = organizationID
        self.organizations = organizations ?? [organizationID]
        self.createdAt = createdAt
        self.disabledAt = disabledAt
        self.notifyEmail = notifyEmail
    }

    enum CodingKeys: String, CodingKey {
        case id, name, role, organizations
        case organizationID = "organization_id", createdAt = "created_at", disabledAt = "disabled_at", notifyEmail = "notify_email"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(String.self, forKey: .id), name: try c.decode(String.self, forKey: .name), role: try c.decode(Role.self, forKey: .role),
                  organizationID: try c.decode(String.self, forKey: .organizationID),
                  organizations: try c.decodeIfPresent([String].self, forKey: .organizations), createdAt: try c.decode(Date.self, forKey: .createdAt),
                  disabledAt: try c.decodeIfPresent(Date.self, forKey: .disabledAt), notifyEmail: try c.decodeIfPresent(String.self, forKey: .notifyEmail))
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
