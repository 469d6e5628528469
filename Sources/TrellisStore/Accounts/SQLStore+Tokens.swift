public import Foundation

/// API tokens and web sessions: issuing, checking, ending.
extension SQLStore {
    static var tokenColumns: String { "SELECT id, user_id, kind, created_at, expires_at, last_used_at, revoked_at FROM api_token" }

    static func token(_ row: any SQLRow) throws -> TokenRecord {
        guard let kind = TokenRecord.Kind(rawValue: try row[2]) else { throw StoreError.invalid(field: "api_token.kind", reason: "unknown kind") }
        return TokenRecord(id: try row[0], userID: try row[1], kind: kind, createdAt: try row[3], expiresAt: try row[4],
                           lastUsedAt: try row[5], revokedAt: try row[6])
    }

    public func issueToken(userID: String, expiresAt: Date?, kind: TokenRecord.Kind, idleLimit: TimeInterval?, context: AuditContext) async throws -> IssuedToken {
        let token = IssuedToken.make(userID: userID, expiresAt: expiresAt)
        let idleSeconds = idleLimit.map { Int($0.rounded()) }
        try await change { session, audit in
            guard try await session.firstRow("SELECT 1 FROM app_user WHERE id = \(userID)") != nil else { throw StoreError.userNotFound(userID) }
            try await session.execute("""
                INSERT INTO api_token (id, user_id, token_hash, created_at, expires_at, kind, idle_seconds)
                VALUES (\(token.id), \(userID), \(TokenHash.of(token.secret)), \(context.now), \(expiresAt), \(kind.rawValue), \(idleSeconds))
                """)
            audit.record(context.entry(.create, "token", token.id, purpose: "security", detail: "\(kind.rawValue) for \(userID)"))
        }
        return token
    }

    public func checkToken(_ secret: String, context: AuditContext) async throws -> TokenCheck {
        let hash = TokenHash.of(secret)
        // An unknown token is answered from a read: no write transaction, no audit record (the caller counts refusals).
        let known = try await plainRead { session in try await session.firstRow("SELECT 1 FROM api_token WHERE token_hash = \(hash)") != nil }
        guard known else { return .refused }
        return try await change { session, audit in
            guard let row = try await session.firstRow("""
                SELECT u.id, u.name, u.role, u.organization_id, u.created_at, u.disabled_at, u.notify_email, t.id, t.created_at, t.last_used_at, t.idle_seconds
                FROM api_token t JOIN app_user u ON u.id = t.user_id
                WHERE t.token_hash = \(hash) AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > \(context.now)) AND u.disabled_at IS NULL
                """) else {
                // A known token that is revoked, expired or whose user is disabled: a refusal worth its own record.
                audit.record(context.entry(.execute, "session", "token", outcome: .denied, purpose: "security", detail: "sign-in refused"))
                return .refused
            }
            let tokenID: String = try row[7]
            let createdAt: Date = try row[8]
            let lastUsedAt: Date? = try row[9]
            let idleLimit = (try row[10] as Int?).map(TimeInterval.init)
            if TokenUse.isIdle(since: lastUsedAt ?? createdAt, idleLimit: idleLimit, now: context.now), let idleLimit {
                // Ended once: a request racing this one finds it ended and is refused.
                if try await session.changed("UPDATE api_token SET revoked_at = \(context.now) WHERE id = \(tokenID) AND revoked_at IS NULL RETURNING 1") {
                    audit.record(context.entry(.update, "token", tokenID, purpose: "security",
                                               detail: "session ended after \(Int(idleLimit / 60)) minutes without activity"))
                }
                return .idle(tokenID: tokenID, idleLimit: idleLimit)
            }
            var user = try Self.user(row)
            // Only an agency user may answer for more than one organization: the others are spared the read.
            if user.role == .agency { user = try await Self.withOrganizations([user], in: session)[0] }
            // The last use, and the sign-in's audit record, at most once a minute (see TokenUse); written
            // only while it is still due, so racing requests write it once.
            if TokenUse.isDue(lastUsedAt: lastUsedAt, now: context.now), try await session.changed("""
                UPDATE api_token SET last_used_at = \(context.now)
                WHERE id = \(tokenID) AND (last_used_at IS NULL OR last_used_at <= \(context.now.addingTimeInterval(-TokenUse.writeInterval)))
                RETURNING 1
                """) {
                audit.record(context.entry(.execute, "session", user.id, purpose: "security", detail: "sign-in by token \(tokenID)"))
            }
            return .valid(user)
        }
    }

    public func revokeToken(secret: String, context: AuditContext) async throws -> Bool {
        try await change { session, audit in
            guard let tokenID = try await session.value("""
                UPDATE api_token SET revoked_at = \(context.now) WHERE token_hash = \(TokenHash.of(secret)) AND revoked_at IS NULL RETURNING id
                """, as: String.self) else { return false }
            audit.record(context.entry(.update, "token", tokenID, purpose: "security", detail: "revoked"))
            return true
        }
    }

    public func tokens(userID: String?) async throws -> [TokenRecord] {
        let onlyUser: SQLQuery = userID.map { " WHERE user_id = \($0)" } ?? ""
        return try await plainRead { session in
            try await session.rows("\(unescaped: Self.tokenColumns)\(onlyUser) ORDER BY created_at DESC, id").map(Self.token)
        }
    }

    public func revokeToken(id: String, context: AuditContext) async throws -> TokenRecord? {
        try await change { session, audit in
            guard let token = try await session.firstRow("""
                UPDATE api_token SET revoked_at = \(context.now) WHERE id = \(id) AND revoked_at IS NULL
                RETURNING id, user_id, kind, created_at, expires_at, last_used_at, revoked_at
                """).map(Self.token) else {
                audit.record(context.entry(.update, "token", id, outcome: .failure, purpose: "security", detail: "no such token in force"))
                return nil
            }
            audit.record(context.entry(.update, "token", id, purpose: "security", detail: "revoked (of \(token.userID))"))
            return token
        }
    }

    public func revokeTokens(userID: String, context: AuditContext) async throws -> [String] {
        try await change { session, audit in
            guard try await session.firstRow("SELECT 1 FROM app_user WHERE id = \(userID)") != nil else { throw StoreError.userNotFound(userID) }
            let ids = try await session.values("""
                UPDATE api_token SET revoked_at = \(context.now) WHERE user_id = \(userID) AND revoked_at IS NULL RETURNING id
                """, as: String.self).sorted()
            for id in ids { audit.record(context.entry(.update, "token", id, purpose: "security", detail: "revoked (of \(userID))")) }
            return ids
        }
    }
}
