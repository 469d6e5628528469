public import Foundation

/// Users, and switching them off and on.
extension SQLStore {
    static var userColumns: String { "SELECT id, name, role, organization_id, created_at, disabled_at FROM app_user" }

    static func user(_ row: any SQLRow) throws -> UserAccount {
        guard let role = UserAccount.Role(rawValue: try row[2]) else { throw StoreError.invalid(field: "app_user.role", reason: "unknown role") }
        return UserAccount(id: try row[0], name: try row[1], role: role, organizationID: try row[3], createdAt: try row[4], disabledAt: try row[5])
    }

    public func addUser(_ user: UserAccount, passwordHash: String?, context: AuditContext) async throws {
        try await change { session, audit in
            try await session.execute("""
                INSERT INTO app_user (id, name, role, organization_id, password_hash, created_at)
                VALUES (\(user.id), \(user.name), \(user.role.rawValue), \(user.organizationID), \(passwordHash), \(user.createdAt))
                """)
            audit.record(context.entry(.create, "user", user.id, purpose: "security", detail: "role \(user.role.rawValue) organization \(user.organizationID)"))
        }
    }

    public func user(id: String) async throws -> UserAccount? {
        try await plainRead { session in try await session.firstRow("\(unescaped: Self.userColumns) WHERE id = \(id)").map(Self.user) }
    }

    public func passwordHash(userID: String) async throws -> String? {
        try await plainRead { session in try await session.value("SELECT password_hash FROM app_user WHERE id = \(userID)", as: String?.self) ?? nil }
    }

    public func users() async throws -> [UserAccount] {
        try await plainRead { session in try await session.rows("\(unescaped: Self.userColumns) ORDER BY id").map(Self.user) }
    }

    public func setUser(_ userID: String, disabled: Bool, context: AuditContext) async throws -> UserAccount {
        try await change { session, audit in
            // Disabling again keeps the first time.
            let update: SQLQuery = disabled
                ? "UPDATE app_user SET disabled_at = coalesce(disabled_at, \(context.now)) WHERE id = \(userID)"
                : "UPDATE app_user SET disabled_at = NULL WHERE id = \(userID)"
            try await session.execute(update)
            guard let user = try await session.firstRow("\(unescaped: Self.userColumns) WHERE id = \(userID)").map(Self.user) else {
                audit.record(context.entry(.update, "user", userID, outcome: .failure, purpose: "security", detail: "no such user"))
                throw StoreError.userNotFound(userID)
            }
            audit.record(context.entry(.update, "user", userID, purpose: "security", detail: disabled ? "disabled" : "enabled"))
            return user
        }
    }
}
