public import Foundation

/// Users, and switching them off and on.
extension SQLStore {
    static var userColumns: String { "SELECT id, name, role, organization_id, created_at, disabled_at, notify_email FROM app_user" }

    /// A user from `userColumns` (from `first` on), with only their first organization.
    static func user(_ row: any SQLRow, from first: Int = 0) throws -> UserAccount {
        guard let role = UserAccount.Role(rawValue: try row[first + 2]) else { throw StoreError.invalid(field: "app_user.role", reason: "unknown role") }
        return UserAccount(id: try row[first], name: try row[first + 1], role: role, organizationID: try row[first + 3], createdAt: try row[first + 4],
                           disabledAt: try row[first + 5], notifyEmail: try row[first + 6])
    }

    /// The users with every organization they belong to (an agency user may answer for several).
    static func withOrganizations(_ users: [UserAccount], in session: any SQLSession) async throws -> [UserAccount] {
        guard !users.isEmpty else { return [] }
        var more: [String: [String]] = [:]
        for row in try await session.rows("""
            SELECT user_id, organization_id FROM user_organization WHERE user_id IN \(list: users.map(\.id)) ORDER BY user_id, organization_id
            """) {
            more[try row[0], default: []].append(try row[1])
        }
        return users.map { user in
            var user = user
            user.organizations = [user.organizationID] + (more[user.id] ?? []).filter { $0 != user.organizationID }
            return user
        }
    }

    public func addUser(_ user: UserAccount, passwordHash: String?, context: AuditContext) async throws {
        let organizations = [user.organizationID] + user.organizations.filter { $0 != user.organizationID }
        try await change { session, audit in
            try await session.execute("""
                INSERT INTO app_user (id, name, role, organization_id, password_hash, created_at, notify_email)
                VALUES (\(user.id), \(user.name), \(user.role.rawValue), \(user.organizationID), \(passwordHash), \(user.createdAt), \(user.notifyEmail))
                """)
            for organization in Set(organizations).sorted() {
                try await session.execute("INSERT INTO user_organization (user_id, organization_id) VALUES (\(user.id), \(organization))")
            }
            audit.record(context.entry(.create, "user", user.id, purpose: "security",
                                       detail: "role \(user.role.rawValue) organization \(organizations.joined(separator: ","))"))
        }
    }

    public func user(id: String) async throws -> UserAccount? {
        try await plainRead { session in
            try await Self.withOrganizations(session.rows("\(unescaped: Self.userColumns) WHERE id = \(id)").map { try Self.user($0) }, in: session).first
        }
    }

    public func passwordHash(userID: String) async throws -> String? {
        try await plainRead { session in try await session.value("SELECT password_hash FROM app_user WHERE id = \(userID)", as: String?.self) ?? nil }
    }

    public func users() async throws -> [UserAccount] {
        try await plainRead { session in
            try await Self.withOrganizations(session.rows("\(unescaped: Self.userColumns) ORDER BY id").map { try Self.user($0) }, in: session)
        }
    }

    public func setUser(_ userID: String, disabled: Bool, context: AuditContext) async throws -> UserAccount {
        try await change { session, audit in
            // Disabling again keeps the first time.
            let update: SQLQuery = disabled
                ? "UPDATE app_user SET disabled_at = coalesce(disabled_at, \(context.now)) WHERE id = \(userID)"
                : "UPDATE app_user SET disabled_at = NULL WHERE id = \(userID)"
            try await session.execute(update)
            guard let user = try await Self.withOrganizations(session.rows("\(unescaped: Self.userColumns) WHERE id = \(userID)").map { try Self.user($0) },
                                                              in: session).first else {
                audit.record(context.entry(.update, "user", userID, outcome: .failure, purpose: "security", detail: "no such user"))
                throw StoreError.userNotFound(userID)
            }
            audit.record(context.entry(.update, "user", userID, purpose: "security", detail: disabled ? "disabled" : "enabled"))
            return user
        }
    }
}
