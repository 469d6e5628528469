import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// Cutting off a user or a token: disable and enable users, list tokens by their public ids, revoke
/// one or all; each audited, on every backend.
@Suite struct UserControlTests {
    typealias H = StoreHarness
    static let admin = AuditContext(actor: "admin-1", purpose: "security")
    static let anonymous = AuditContext(actor: "anonymous")

    static func addUser(_ store: any TrellisStore, _ id: String = "cw-7") async throws {
        try await store.addUser(UserAccount(id: id, name: "Casey Worker", role: .caseworker, organizationID: "ORG-CMHC", createdAt: H.capturedAt),
                                passwordHash: nil, context: admin)
    }

    @Test(arguments: AuditBackend.allCases)
    func aDisabledUsersSessionsAndTokensOpenNothingUntilEnabled(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            try await Self.addUser(store)
            let api = try await store.issueToken(userID: "cw-7", expiresAt: nil, context: Self.admin)
            let session = try await store.issueToken(userID: "cw-7", expiresAt: Date().addingTimeInterval(3_600), kind: .session, context: Self.admin)
            #expect(try await store.user(bearing: api.secret, context: Self.anonymous)?.id == "cw-7")

            let disabled = try await store.setUser("cw-7", disabled: true, context: Self.admin)
            #expect(disabled.disabledAt != nil)
            for secret in [api.secret, session.secret] {
                #expect(try await store.user(bearing: secret, context: Self.anonymous) == nil)
            }
            #expect(try await store.setUser("cw-7", disabled: true, context: Self.admin).disabledAt == disabled.disabledAt,
                    "disabling again keeps the first time")
            #expect(try await store.setUser("cw-7", disabled: false, context: Self.admin).disabledAt == nil)
            #expect(try await store.user(bearing: session.secret, context: Self.anonymous)?.id == "cw-7")
            await #expect(throws: StoreError.userNotFound("nobody")) { try await store.setUser("nobody", disabled: true, context: Self.admin) }

            let audit = try await store.audit.records(after: 0, limit: 1_000).map(\.event)
            #expect(audit.filter { $0.entity == "user" && $0.entityID == "cw-7" && $0.action == .update }.map(\.detail)
                    == ["disabled", "disabled", "enabled"])
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func tokensAreListedByPublicIdAndRevokedOneOrAll(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            try await Self.addUser(store)
            try await Self.addUser(store, "cw-8")
            let api = try await store.issueToken(userID: "cw-7", expiresAt: nil, context: Self.admin)
            let session = try await store.issueToken(userID: "cw-7", expiresAt: Date().addingTimeInterval(3_600), kind: .session, context: Self.admin)
            let other = try await store.issueToken(userID: "cw-8", expiresAt: nil, context: Self.admin)
            _ = try await store.user(bearing: api.secret, context: Self.anonymous)

            let listed = try await store.tokens(userID: "cw-7")
            #expect(Set(listed.map(\.id)) == [api.id, session.id])
            #expect(listed.first { $0.id == api.id }?.kind == .api && listed.first { $0.id == session.id }?.kind == .session)
            #expect(listed.first { $0.id == api.id }?.lastUsedAt != nil && listed.first { $0.id == session.id }?.lastUsedAt == nil)
            #expect(try await store.tokens(userID: nil).count == 3)
            // The public id is neither the secret nor its hash.
            for token in [api, session, other] {
                #expect(token.id != token.secret && !token.secret.contains(token.id))
                #expect(Data(token.id.utf8) != TokenHash.of(token.secret))
            }

            let revoked = try #require(try await store.revokeToken(id: api.id, context: Self.admin))
            #expect(revoked.userID == "cw-7" && revoked.revokedAt != nil)
            #expect(try await store.revokeToken(id: api.id, context: Self.admin) == nil, "already revoked")
            #expect(try await store.user(bearing: api.secret, context: Self.anonymous) == nil)
            #expect(try await store.user(bearing: session.secret, context: Self.anonymous)?.id == "cw-7")

            #expect(try await store.revokeTokens(userID: "cw-7", context: Self.admin) == [session.id])
            #expect(try await store.user(bearing: session.secret, context: Self.anonymous) == nil)
            #expect(try await store.user(bearing: other.secret, context: Self.anonymous)?.id == "cw-8", "another user's tokens stay")
            await #expect(throws: StoreError.userNotFound("nobody")) { try await store.revokeTokens(userID: "nobody", context: Self.admin) }
            let audit = try await store.audit.records(after: 0, limit: 1_000).map(\.event)
            #expect(audit.filter { $0.entity == "token" && $0.action == .update && $0.outcome == .success }.map(\.entityID) == [api.id, session.id])
            _ = harness
        }
    }
}
