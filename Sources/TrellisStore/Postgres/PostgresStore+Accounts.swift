public import Foundation
import Logging
import PostgresNIO
public import TrellisCore

extension PostgresStore {
    public func savePartner(_ partner: Partner, context: AuditContext) async throws {
        let stored = try PartnerDocument.seal(partner, with: configuration.cipher)
        let logger = self.logger
        try await transaction { connection, audit in
            try await connection.query("""
                INSERT INTO partner (id, document, sealed_secrets, updated_at) VALUES (\(partner.id), \(stored.document), \(stored.sealedSecrets), \(context.now))
                ON CONFLICT (id) DO UPDATE SET document = excluded.document, sealed_secrets = excluded.sealed_secrets, updated_at = excluded.updated_at
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
        for row in try await client.query("SELECT document, sealed_secrets FROM partner ORDER BY id", logger: logger) {
            let (document, sealed) = try row.decode((String, Data?).self)
            partners.append(try PartnerDocument.open(document: document, sealedSecrets: sealed, with: configuration.cipher))
        }
        return partners
    }

    public func partner(answeringFor organizationID: String) async throws -> Partner? {
        for row in try await client.query("""
            SELECT p.document, p.sealed_secrets FROM partner p JOIN partner_organization o ON o.partner_id = p.id WHERE o.organization_id = \(organizationID)
            """, logger: logger) {
            let (document, sealed) = try row.decode((String, Data?).self)
            return try PartnerDocument.open(document: document, sealedSecrets: sealed, with: configuration.cipher)
        }
        return nil
    }

    /// The response deadline of the partner answering for an organization, when one does.
    static func deadlineDays(answeringFor organizationID: String, on connection: PostgresConnection, logger: Logger) async throws -> Int? {
        guard let row = try await first(connection.query("""
            SELECT p.document FROM partner p JOIN partner_organization o ON o.partner_id = p.id WHERE o.organization_id = \(organizationID)
            """, logger: logger)) else { return nil }
        return try PartnerDocument.decodePlain(try row.decode(String.self)).responseDeadlineBusinessDays
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

    public func issueToken(userID: String, expiresAt: Date?, kind: TokenRecord.Kind, idleLimit: TimeInterval?, context: AuditContext) async throws -> IssuedToken {
        let token = IssuedToken.make(userID: userID, expiresAt: expiresAt)
        let idleSeconds = idleLimit.map { Int($0.rounded()) }
        let logger = self.logger
        try await transaction { connection, audit in
            guard try await Self.first(connection.query("SELECT 1 FROM app_user WHERE id = \(userID)", logger: logger)) != nil else {
                throw StoreError.userNotFound(userID)
            }
            let hash = TokenHash.of(token.secret)
            try await connection.query("""
                INSERT INTO api_token (id, user_id, token_hash, created_at, expires_at, kind, idle_seconds)
                VALUES (\(token.id), \(userID), \(hash), \(context.now), \(expiresAt), \(kind.rawValue), \(idleSeconds))
                """, logger: logger)
            audit.record(context.entry(.create, "token", token.id, purpose: "security", detail: "\(kind.rawValue) for \(userID)"))
        }
        return token
    }

    public func checkToken(_ secret: String, context: AuditContext) async throws -> TokenCheck {
        let logger = self.logger
        let hash = TokenHash.of(secret)
        // An unknown token is answered from a read: no write transaction, no audit record (the caller counts refusals).
        let found = try await client.query("SELECT EXISTS (SELECT 1 FROM api_token WHERE token_hash = \(hash))", logger: logger)
        guard try found.first?.decode(Bool.self) == true else { return .refused }
        return try await transaction { connection, audit in
            guard let row = try await Self.first(connection.query("""
                SELECT u.id, u.name, u.role, u.organization_id, u.created_at, u.disabled_at, t.id, t.created_at, t.last_used_at, t.idle_seconds
                FROM api_token t JOIN app_user u ON u.id = t.user_id
                WHERE t.token_hash = \(hash) AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > \(context.now)) AND u.disabled_at IS NULL
                """, logger: logger)) else {
                audit.record(context.entry(.execute, "session", "token", outcome: .denied, purpose: "security", detail: "sign-in refused"))
                return .refused
            }
            let columns = row.makeRandomAccess()
            let tokenID = try columns[6].decode(String.self)
            let createdAt = try columns[7].decode(Date.self)
            let lastUsedAt = try columns[8].decode(Date?.self)
            let idleLimit = try columns[9].decode(Int?.self).map(TimeInterval.init)
            if TokenUse.isIdle(since: lastUsedAt ?? createdAt, idleLimit: idleLimit, now: context.now), let idleLimit {
                try await connection.query("UPDATE api_token SET revoked_at = \(context.now) WHERE id = \(tokenID)", logger: logger)
                audit.record(context.entry(.update, "token", tokenID, purpose: "security",
                                           detail: "session ended after \(Int(idleLimit / 60)) minutes without activity"))
                return .idle(tokenID: tokenID, idleLimit: idleLimit)
            }
            let user = try Self.user(row)
            // The last use, and the sign-in's audit record, at most once a minute (see TokenUse).
            if TokenUse.isDue(lastUsedAt: lastUsedAt, now: context.now) {
                try await connection.query("UPDATE api_token SET last_used_at = \(context.now) WHERE id = \(tokenID)", logger: logger)
                audit.record(context.entry(.execute, "session", user.id, purpose: "security", detail: "sign-in by token \(tokenID)"))
            }
            return .valid(user)
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

    public func setUser(_ userID: String, disabled: Bool, context: AuditContext) async throws -> UserAccount {
        let logger = self.logger
        return try await transaction { connection, audit in
            // Disabling again keeps the first time.
            guard let row = try await Self.first(connection.query("""
                UPDATE app_user SET disabled_at = CASE WHEN \(disabled) THEN coalesce(disabled_at, \(context.now)) END WHERE id = \(userID)
                RETURNING id, name, role, organization_id, created_at, disabled_at
                """, logger: logger)) else {
                throw StoreError.userNotFound(userID)
            }
            audit.record(context.entry(.update, "user", userID, purpose: "security", detail: disabled ? "disabled" : "enabled"))
            return try Self.user(row)
        }
    }

    public func tokens(userID: String?) async throws -> [TokenRecord] {
        var tokens: [TokenRecord] = []
        let rows = try await client.query("""
            SELECT \(unescaped: Self.tokenColumns) FROM api_token WHERE \(userID)::text IS NULL OR user_id = \(userID) ORDER BY created_at DESC, id
            """, logger: logger)
        for row in rows { tokens.append(try Self.token(row)) }
        return tokens
    }

    public func revokeToken(id: String, context: AuditContext) async throws -> TokenRecord? {
        let logger = self.logger
        return try await transaction { connection, audit in
            guard let row = try await Self.first(connection.query("""
                UPDATE api_token SET revoked_at = \(context.now) WHERE id = \(id) AND revoked_at IS NULL RETURNING \(unescaped: Self.tokenColumns)
                """, logger: logger)) else {
                audit.record(context.entry(.update, "token", id, outcome: .failure, purpose: "security", detail: "no such token in force"))
                return nil
            }
            let token = try Self.token(row)
            audit.record(context.entry(.update, "token", id, purpose: "security", detail: "revoked (of \(token.userID))"))
            return token
        }
    }

    public func revokeTokens(userID: String, context: AuditContext) async throws -> [String] {
        let logger = self.logger
        return try await transaction { connection, audit in
            guard try await Self.first(connection.query("SELECT 1 FROM app_user WHERE id = \(userID)", logger: logger)) != nil else {
                throw StoreError.userNotFound(userID)
            }
            var ids: [String] = []
            let rows = try await connection.query("""
                UPDATE api_token SET revoked_at = \(context.now) WHERE user_id = \(userID) AND revoked_at IS NULL RETURNING id
                """, logger: logger)
            for try await id in rows.decode(String.self) { ids.append(id) }
            ids.sort()
            for id in ids { audit.record(context.entry(.update, "token", id, purpose: "security", detail: "revoked (of \(userID))")) }
            return ids
        }
    }

    static let tokenColumns = "id, user_id, kind, created_at, expires_at, last_used_at, revoked_at"

    static func token(_ row: PostgresRow) throws -> TokenRecord {
        let (id, user, kind, created, expires, used, revoked) = try row.decode((String, String, String, Date, Date?, Date?, Date?).self)
        guard let kind = TokenRecord.Kind(rawValue: kind) else { throw StoreError.invalid(field: "api_token.kind", reason: "unknown kind") }
        return TokenRecord(id: id, userID: user, kind: kind, createdAt: created, expiresAt: expires, lastUsedAt: used, revokedAt: revoked)
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
