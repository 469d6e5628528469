public import Foundation
import Logging
import PostgresNIO
public import TrellisCore

extension PostgresStore {
    public func savePartner(_ partner: Partner, context: AuditContext) async throws {
        let document = try PartnerDocument.encode(partner)
        let logger = self.logger
        try await transaction { connection, audit in
            try await connection.query("""
                INSERT INTO partner (id, document, updated_at) VALUES (\(partner.id), \(document), \(context.now))
                ON CONFLICT (id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at
                """, logger: logger)
            try await connection.query("DELETE FROM partner_organization WHERE partner_id = \(partner.id)", logger: logger)
            for organization in Set(partner.organizations).sorted() {
                try await connection.query("""
                    INSERT INTO partner_organization (organization_id, partner_id) VALUES (\(organization), \(partner.id))
                    ON CONFLICT (organization_id) DO UPDATE SET partner_id = excluded.partner_id
                    """, logger: logger)
            }
            audit.record(context.entry(.update, "partner", partner.id, purpose: "operations"))
        }
    }

    public func removePartner(id: String, context: AuditContext) async throws -> Bool {
        let logger = self.logger
        return try await transaction { connection, audit in
            try await connection.query("DELETE FROM partner_organization WHERE partner_id = \(id)", logger: logger)
            let removed = try await Self.first(connection.query("DELETE FROM partner WHERE id = \(id) RETURNING id", logger: logger)) != nil
            audit.record(context.entry(.delete, "partner", id, outcome: removed ? .success : .failure, purpose: "operations",
                                       detail: removed ? nil : "no such partner"))
            return removed
        }
    }

    public func partners() async throws -> [Partner] {
        var partners: [Partner] = []
        for row in try await client.query("SELECT document FROM partner ORDER BY id", logger: logger) {
            let document = try row.decode(String.self)
            partners.append(try PartnerDocument.decode(document))
        }
        return partners
    }

    public func partner(answeringFor organizationID: String) async throws -> Partner? {
        try await client.withConnection { connection in
            try await Self.partner(answeringFor: organizationID, on: connection, logger: self.logger)
        }
    }

    static func partner(answeringFor organizationID: String, on connection: PostgresConnection, logger: Logger) async throws -> Partner? {
        guard let row = try await first(connection.query("""
            SELECT p.document FROM partner p JOIN partner_organization o ON o.partner_id = p.id WHERE o.organization_id = \(organizationID)
            """, logger: logger)) else { return nil }
        return try PartnerDocument.decode(try row.decode(String.self))
    }

    public func addUser(_ user: UserAccount, passwordHash: String?, context: AuditContext) async throws {
        let logger = self.logger
        try await transaction { connection, audit in
            try await connection.query("""
                INSERT INTO app_user (id, name, role, organization_id, password_hash, created_at)
                VALUES (\(user.id), \(user.name), \(user.role.rawValue), \(user.organizationID), \(passwordHash), \(user.createdAt))
                """, logger: logger)
            audit.record(context.entry(.create, "user", user.id, purpose: "security",
                                                 detail: "role \(user.role.rawValue) organization \(user.organizationID)"))
        }
    }

    public func user(id: String) async throws -> UserAccount? {
        let rows = try await client.query("SELECT id, name, role, organization_id, created_at, disabled_at FROM app_user WHERE id = \(id)", logger: logger)
        for row in rows { return try Self.user(row) }
        return nil
    }

    public func passwordHash(userID: String) async throws -> String? {
        for row in try await client.query("SELECT password_hash FROM app_user WHERE id = \(userID)", logger: logger) {
            return try row.decode(String?.self)
        }
        return nil
    }

    public func issueToken(userID: String, expiresAt: Date?, context: AuditContext) async throws -> IssuedToken {
        let token = IssuedToken.make(userID: userID, expiresAt: expiresAt)
        let logger = self.logger
        try await transaction { connection, audit in
            guard try await Self.first(connection.query("SELECT 1 FROM app_user WHERE id = \(userID)", logger: logger)) != nil else {
                throw StoreError.userNotFound(userID)
            }
            let hash = TokenHash.of(token.secret)
            try await connection.query("""
                INSERT INTO api_token (id, user_id, token_hash, created_at, expires_at) VALUES (\(token.id), \(userID), \(hash), \(context.now), \(expiresAt))
                """, logger: logger)
            audit.record(context.entry(.create, "token", token.id, purpose: "security", detail: "for \(userID)"))
        }
        return token
    }

    public func user(bearing secret: String, context: AuditContext) async throws -> UserAccount? {
        let logger = self.logger
        let hash = TokenHash.of(secret)
        // An unknown token is answered from a read: no write transaction, no audit record (the caller counts refusals).
        let found = try await client.query("SELECT EXISTS (SELECT 1 FROM api_token WHERE token_hash = \(hash))", logger: logger)
        guard try found.first?.decode(Bool.self) == true else { return nil }
        return try await transaction { connection, audit in
            guard let row = try await Self.first(connection.query("""
                SELECT u.id, u.name, u.role, u.organization_id, u.created_at, u.disabled_at, t.id FROM api_token t JOIN app_user u ON u.id = t.user_id
                WHERE t.token_hash = \(hash) AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > \(context.now)) AND u.disabled_at IS NULL
                """, logger: logger)) else {
                audit.record(context.entry(.execute, "session", "token", outcome: .denied, purpose: "security", detail: "sign-in refused"))
                return nil
            }
            let user = try Self.user(row)
            let tokenID = try row.makeRandomAccess()[6].decode(String.self)
            try await connection.query("UPDATE api_token SET last_used_at = \(context.now) WHERE id = \(tokenID)", logger: logger)
            audit.record(context.entry(.execute, "session", user.id, purpose: "security", detail: "sign-in by token \(tokenID)"))
            return user
        }
    }

    public func revokeToken(secret: String, context: AuditContext) async throws -> Bool {
        let logger = self.logger
        return try await transaction { connection, audit in
            let hash = TokenHash.of(secret)
            guard let row = try await Self.first(connection.query(
                "UPDATE api_token SET revoked_at = \(context.now) WHERE token_hash = \(hash) AND revoked_at IS NULL RETURNING id",
                logger: logger)) else { return false }
            let tokenID = try row.decode(String.self)
            audit.record(context.entry(.update, "token", tokenID, purpose: "security", detail: "revoked"))
            return true
        }
    }

    public func users() async throws -> [UserAccount] {
        var users: [UserAccount] = []
        let rows = try await client.query("SELECT id, name, role, organization_id, created_at, disabled_at FROM app_user ORDER BY id", logger: logger)
        for row in rows { users.append(try Self.user(row)) }
        return users
    }

    static func user(_ row: PostgresRow) throws -> UserAccount {
        // The first six columns, whatever follows them.
        let columns = row.makeRandomAccess()
        let id = try columns[0].decode(String.self)
        let name = try columns[1].decode(String.self)
        let role = try columns[2].decode(String.self)
        let organization = try columns[3].decode(String.self)
        let createdAt = try columns[4].decode(Date.self)
        let disabledAt = try columns[5].decode(Date?.self)
        guard let role = UserAccount.Role(rawValue: role) else { throw StoreError.invalid(field: "app_user.role", reason: "unknown role") }
        return UserAccount(id: id, name: name, role: role, organizationID: organization, createdAt: createdAt, disabledAt: disabledAt)
    }
}
