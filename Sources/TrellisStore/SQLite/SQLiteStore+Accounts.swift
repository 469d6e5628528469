import Crypto
public import Foundation
import GRDB
public import TrellisCore

extension SQLiteStore {
    public func savePartner(_ partner: Partner, context: AuditContext) async throws {
        let stored = try PartnerDocument.seal(partner, with: configuration.cipher)
        try await transaction { db, audit in
            try db.execute(sql: """
                INSERT INTO partner (id, document, sealed_secrets, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET document = excluded.document, sealed_secrets = excluded.sealed_secrets, updated_at = excluded.updated_at
                """, arguments: [partner.id, stored.document, stored.sealedSecrets, context.now])
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
        let cipher = configuration.cipher
        return try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT document, sealed_secrets FROM partner ORDER BY id").map { row in
                try PartnerDocument.open(document: row["document"], sealedSecrets: row["sealed_secrets"], with: cipher)
            }
        }
    }

    public func partner(answeringFor organizationID: String) async throws -> Partner? {
        let cipher = configuration.cipher
        return try await pool.read { db in try Self.partner(answeringFor: organizationID, cipher: cipher, in: db) }
    }

    /// The response deadline of the partner answering for an organization, when one does.
    static func deadlineDays(answeringFor organizationID: String, in db: Database) throws -> Int? {
        try String.fetchOne(db, sql: """
            SELECT p.document FROM partner p JOIN partner_organization o ON o.partner_id = p.id WHERE o.organization_id = ?
            """, arguments: [organizationID]).map(PartnerDocument.decodePlain)?.responseDeadlineBusinessDays
    }

    static func partner(answeringFor organizationID: String, cipher: PersonCipher, in db: Database) throws -> Partner? {
        try Row.fetchOne(db, sql: """
            SELECT p.document, p.sealed_secrets FROM partner p JOIN partner_organization o ON o.partner_id = p.id WHERE o.organization_id = ?
            """, arguments: [organizationID]).map { row in
            try PartnerDocument.open(document: row["document"], sealedSecrets: row["sealed_secrets"], with: cipher)
        }
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

    public func issueToken(userID: String, expiresAt: Date?, kind: TokenRecord.Kind, idleLimit: TimeInterval?, context: AuditContext) async throws -> IssuedToken {
        let token = IssuedToken.make(userID: userID, expiresAt: expiresAt)
        let idleSeconds = idleLimit.map { Int($0.rounded()) }
        try await transaction { db, audit in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM app_user WHERE id = ?", arguments: [userID]) != nil else {
                throw StoreError.userNotFound(userID)
            }
            try db.execute(sql: "INSERT INTO api_token (id, user_id, token_hash, created_at, expires_at, kind, idle_seconds) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [token.id, userID, TokenHash.of(token.secret), context.now, expiresAt, kind.rawValue, idleSeconds])
            try audit.append(context.entry(.create, "token", token.id, purpose: "security", detail: "\(kind.rawValue) for \(userID)"), in: db)
        }
        return token
    }

    public func checkToken(_ secret: String, context: AuditContext) async throws -> TokenCheck {
        // An unknown token is answered from a read: no write transaction, no audit record (the caller counts refusals).
        let known = try await pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM api_token WHERE token_hash = ?)", arguments: [TokenHash.of(secret)]) ?? false
        }
        guard known else { return .refused }
        return try await transaction { db, audit in
            let row = try Row.fetchOne(db, sql: """
                SELECT u.*, t.id AS token_id, t.created_at AS token_created_at, t.last_used_at, t.idle_seconds
                FROM api_token t JOIN app_user u ON u.id = t.user_id
                WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?) AND u.disabled_at IS NULL
                """, arguments: [TokenHash.of(secret), context.now])
            guard let row else {
                // A known token that is revoked, expired or whose user is disabled: a refusal worth its own record.
                try audit.append(context.entry(.execute, "session", "token", outcome: .denied, purpose: "security", detail: "sign-in refused"), in: db)
                return .refused
            }
            let tokenID: String = row["token_id"]
            let lastUsedAt: Date? = row["last_used_at"]
            let idleLimit = (row["idle_seconds"] as Int?).map(TimeInterval.init)
            if TokenUse.isIdle(since: lastUsedAt ?? row["token_created_at"], idleLimit: idleLimit, now: context.now), let idleLimit {
                try db.execute(sql: "UPDATE api_token SET revoked_at = ? WHERE id = ?", arguments: [context.now, tokenID])
                try audit.append(context.entry(.update, "token", tokenID, purpose: "security",
                                               detail: "session ended after \(Int(idleLimit / 60)) minutes without activity"), in: db)
                return .idle(tokenID: tokenID, idleLimit: idleLimit)
            }
            let user = try Self.user(row)
            // The last use, and the sign-in's audit record, at most once a minute (see TokenUse).
            if TokenUse.isDue(lastUsedAt: lastUsedAt, now: context.now) {
                try db.execute(sql: "UPDATE api_token SET last_used_at = ? WHERE id = ?", arguments: [context.now, tokenID])
                try audit.append(context.entry(.execute, "session", user.id, purpose: "security", detail: "sign-in by token \(tokenID)"), in: db)
            }
            return .valid(user)
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

    public func setUser(_ userID: String, disabled: Bool, context: AuditContext) async throws -> UserAccount {
        try await transaction { db, audit in
            // Disabling again keeps the first time.
            try db.execute(sql: "UPDATE app_user SET disabled_at = CASE WHEN ? THEN coalesce(disabled_at, ?) END WHERE id = ?",
                           arguments: [disabled, context.now, userID])
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM app_user WHERE id = ?", arguments: [userID]) else {
                try audit.append(context.entry(.update, "user", userID, outcome: .failure, purpose: "security", detail: "no such user"), in: db)
                throw StoreError.userNotFound(userID)
            }
            try audit.append(context.entry(.update, "user", userID, purpose: "security", detail: disabled ? "disabled" : "enabled"), in: db)
            return try Self.user(row)
        }
    }

    public func tokens(userID: String?) async throws -> [TokenRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, user_id, kind, created_at, expires_at, last_used_at, revoked_at FROM api_token
                WHERE ? IS NULL OR user_id = ? ORDER BY created_at DESC, id
                """, arguments: [userID, userID]).map(Self.token)
        }
    }

    public func revokeToken(id: String, context: AuditContext) async throws -> TokenRecord? {
        try await transaction { db, audit in
            try db.execute(sql: "UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [context.now, id])
            guard db.changesCount == 1, let row = try Row.fetchOne(db, sql: """
                SELECT id, user_id, kind, created_at, expires_at, last_used_at, revoked_at FROM api_token WHERE id = ?
                """, arguments: [id]) else {
                try audit.append(context.entry(.update, "token", id, outcome: .failure, purpose: "security", detail: "no such token in force"), in: db)
                return nil
            }
            let token = try Self.token(row)
            try audit.append(context.entry(.update, "token", id, purpose: "security", detail: "revoked (of \(token.userID))"), in: db)
            return token
        }
    }

    public func revokeTokens(userID: String, context: AuditContext) async throws -> [String] {
        try await transaction { db, audit in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM app_user WHERE id = ?", arguments: [userID]) != nil else {
                throw StoreError.userNotFound(userID)
            }
            let ids = try String.fetchAll(db, sql: "SELECT id FROM api_token WHERE user_id = ? AND revoked_at IS NULL ORDER BY id", arguments: [userID])
            try db.execute(sql: "UPDATE api_token SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", arguments: [context.now, userID])
            for id in ids {
                try audit.append(context.entry(.update, "token", id, purpose: "security", detail: "revoked (of \(userID))"), in: db)
            }
            return ids
        }
    }

    static func token(_ row: Row) throws -> TokenRecord {
        guard let kind = TokenRecord.Kind(rawValue: row["kind"]) else { throw StoreError.invalid(field: "api_token.kind", reason: "unknown kind") }
        return TokenRecord(id: row["id"], userID: row["user_id"], kind: kind, createdAt: row["created_at"], expiresAt: row["expires_at"],
                           lastUsedAt: row["last_used_at"], revokedAt: row["revoked_at"])
    }

    static func user(_ row: Row) throws -> UserAccount {
        guard let role = UserAccount.Role(rawValue: row["role"]) else { throw StoreError.invalid(field: "app_user.role", reason: "unknown role") }
        return UserAccount(id: row["id"], name: row["name"], role: role, organizationID: row["organization_id"],
                           createdAt: row["created_at"], disabledAt: row["disabled_at"])
    }
}
