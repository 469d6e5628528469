import Crypto
public import Foundation
import GRDB
public import TrellisCore

extension SQLiteStore {
    public func savePartner(_ partner: Partner, context: AuditContext) async throws {
        let document = try PartnerDocument.encode(partner)
        try await transaction { db, audit in
            try db.execute(sql: """
                INSERT INTO partner (id, document, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at
                """, arguments: [partner.id, document, context.now])
            try db.execute(sql: "DELETE FROM partner_organization WHERE partner_id = ?", arguments: [partner.id])
            for organization in Set(partner.organizations) {
                try db.execute(sql: """
                    INSERT INTO partner_organization (organization_id, partner_id) VALUES (?, ?)
                    ON CONFLICT (organization_id) DO UPDATE SET partner_id = excluded.partner_id
                    """, arguments: [organization, partner.id])
            }
            try audit.append(context.entry(.update, "partner", partner.id, purpose: "operations"), in: db)
        }
    }

    public func removePartner(id: String, context: AuditContext) async throws -> Bool {
        try await transaction { db, audit in
            try db.execute(sql: "DELETE FROM partner_organization WHERE partner_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM partner WHERE id = ?", arguments: [id])
            let removed = db.changesCount == 1
            try audit.append(context.entry(.delete, "partner", id, outcome: removed ? .success : .failure, purpose: "operations",
                                           detail: removed ? nil : "no such partner"), in: db)
            return removed
        }
    }

    public func partners() async throws -> [Partner] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT document FROM partner ORDER BY id").map(PartnerDocument.decode)
        }
    }

    public func partner(answeringFor organizationID: String) async throws -> Partner? {
        try await pool.read { db in try Self.partner(answeringFor: organizationID, in: db) }
    }

    static func partner(answeringFor organizationID: String, in db: Database) throws -> Partner? {
        try String.fetchOne(db, sql: """
            SELECT p.document FROM partner p JOIN partner_organization o ON o.partner_id = p.id WHERE o.organization_id = ?
            """, arguments: [organizationID]).map(PartnerDocument.decode)
    }
}

extension SQLiteStore {
    public func addUser(_ user: UserAccount, passwordHash: String?, context: AuditContext) async throws {
        try await transaction { db, audit in
            try db.execute(sql: "INSERT INTO app_user (id, name, role, organization_id, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [user.id, user.name, user.role.rawValue, user.organizationID, passwordHash, user.createdAt])
            try audit.append(context.entry(.create, "user", user.id, purpose: "security", detail: "role \(user.role.rawValue) organization \(user.organizationID)"), in: db)
        }
    }

    public func user(id: String) async throws -> UserAccount? {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM app_user WHERE id = ?", arguments: [id]).map(Self.user) }
    }

    public func passwordHash(userID: String) async throws -> String? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT password_hash FROM app_user WHERE id = ?", arguments: [userID]) }
    }

    public func issueToken(userID: String, expiresAt: Date?, context: AuditContext) async throws -> IssuedToken {
        let token = IssuedToken.make(userID: userID, expiresAt: expiresAt)
        try await transaction { db, audit in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM app_user WHERE id = ?", arguments: [userID]) != nil else {
                throw StoreError.userNotFound(userID)
            }
            try db.execute(sql: "INSERT INTO api_token (id, user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [token.id, userID, TokenHash.of(token.secret), context.now, expiresAt])
            try audit.append(context.entry(.create, "token", token.id, purpose: "security", detail: "for \(userID)"), in: db)
        }
        return token
    }

    public func user(bearing secret: String, context: AuditContext) async throws -> UserAccount? {
        // An unknown token is answered from a read: no write transaction, no audit record (the caller counts refusals).
        let known = try await pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM api_token WHERE token_hash = ?)", arguments: [TokenHash.of(secret)]) ?? false
        }
        guard known else { return nil }
        return try await transaction { db, audit in
            let row = try Row.fetchOne(db, sql: """
                SELECT u.*, t.id AS token_id FROM api_token t JOIN app_user u ON u.id = t.user_id
                WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?) AND u.disabled_at IS NULL
                """, arguments: [TokenHash.of(secret), context.now])
            guard let row else {
                // A known token that is revoked, expired or whose user is disabled: a refusal worth its own record.
                try audit.append(context.entry(.execute, "session", "token", outcome: .denied, purpose: "security", detail: "sign-in refused"), in: db)
                return nil
            }
            try db.execute(sql: "UPDATE api_token SET last_used_at = ? WHERE id = ?", arguments: [context.now, row["token_id"] as String])
            let user = try Self.user(row)
            try audit.append(context.entry(.execute, "session", user.id, purpose: "security", detail: "sign-in by token \(row["token_id"] as String)"), in: db)
            return user
        }
    }

    public func revokeToken(secret: String, context: AuditContext) async throws -> Bool {
        try await transaction { db, audit in
            guard let tokenID = try String.fetchOne(db, sql: "SELECT id FROM api_token WHERE token_hash = ? AND revoked_at IS NULL",
                                                    arguments: [TokenHash.of(secret)]) else { return false }
            try db.execute(sql: "UPDATE api_token SET revoked_at = ? WHERE id = ?", arguments: [context.now, tokenID])
            try audit.append(context.entry(.update, "token", tokenID, purpose: "security", detail: "revoked"), in: db)
            return true
        }
    }

    public func users() async throws -> [UserAccount] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM app_user ORDER BY id").map(Self.user) }
    }

    static func user(_ row: Row) throws -> UserAccount {
        guard let role = UserAccount.Role(rawValue: row["role"]) else { throw StoreError.invalid(field: "app_user.role", reason: "unknown role") }
        return UserAccount(id: row["id"], name: row["name"], role: role, organizationID: row["organization_id"],
                           createdAt: row["created_at"], disabledAt: row["disabled_at"])
    }
}
