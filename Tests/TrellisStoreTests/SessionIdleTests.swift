import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// Automatic log-off: a web session ends once unused for its idle limit, read from the stored last
/// use (so every server on the database agrees), and its last use is written at most once a minute.
/// The clock is the audit context's `now`, fixed here.
@Suite struct SessionIdleTests {
    typealias H = StoreHarness
    static let t0 = H.capturedAt
    static let idle: TimeInterval = 30 * 60
    static let admin = AuditContext(actor: "admin-1", purpose: "security", now: t0)

    static func at(_ seconds: TimeInterval) -> AuditContext { AuditContext(actor: "anonymous", purpose: "security", now: t0.addingTimeInterval(seconds)) }

    static func session(_ store: any TrellisStore) async throws -> IssuedToken {
        try await UserControlTests.addUser(store)
        return try await store.issueToken(userID: "cw-7", expiresAt: t0.addingTimeInterval(12 * 3_600), kind: .session, idleLimit: idle, context: admin)
    }

    static func events(_ store: any TrellisStore) async throws -> [AuditEvent] {
        try await store.audit.records(after: 0, limit: 1_000).map(\.event)
    }

    @Test(arguments: AuditBackend.allCases)
    func aSessionUsedWithinItsIdleLimitKeepsWorking(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let session = try await Self.session(store)
            for minutes in [29.0, 58, 87, 116] {
                #expect(try await store.checkToken(session.secret, context: Self.at(minutes * 60)).user?.id == "cw-7", "used at \(minutes) minutes")
            }
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aSessionIdlePastItsLimitEndsAndIsAuditedOnce(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let session = try await Self.session(store)
            #expect(try await store.checkToken(session.secret, context: Self.at(10 * 60)).user != nil)
            let ended = try await store.checkToken(session.secret, context: Self.at(40 * 60 + 1))
            #expect(ended == .idle(tokenID: session.id, idleLimit: Self.idle))
            #expect(try await store.checkToken(session.secret, context: Self.at(40 * 60 + 2)) == .refused, "ended for good")
            #expect(try await store.tokens(userID: "cw-7").first?.revokedAt == Self.t0.addingTimeInterval(40 * 60 + 1))
            let endings = try await Self.events(store).filter { $0.entity == "token" && $0.entityID == session.id && $0.action == .update }
            #expect(endings.map(\.detail) == ["session ended after 30 minutes without activity"])
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aNeverUsedSessionIsIdleFromItsIssue(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let session = try await Self.session(store)
            #expect(try await store.checkToken(session.secret, context: Self.at(Self.idle)) == .idle(tokenID: session.id, idleLimit: Self.idle))
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func anAPITokenIsNotEndedForIdleness(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            try await UserControlTests.addUser(store)
            let api = try await store.issueToken(userID: "cw-7", expiresAt: nil, context: Self.admin)
            #expect(try await store.checkToken(api.secret, context: Self.at(1)).user?.id == "cw-7")
            #expect(try await store.checkToken(api.secret, context: Self.at(30 * 86_400)).user?.id == "cw-7", "a month unused")
            #expect(try await store.tokens(userID: "cw-7").first?.revokedAt == nil)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func lastUseIsWrittenAtMostOnceAMinute(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let session = try await Self.session(store)
            func lastUse() async throws -> Date? { try await store.tokens(userID: "cw-7").first?.lastUsedAt }
            func signIns() async throws -> Int {
                try await Self.events(store).filter { $0.entity == "session" && $0.outcome == .success && $0.detail == "sign-in by token \(session.id)" }.count
            }
            _ = try await store.checkToken(session.secret, context: Self.at(10))
            #expect(try await lastUse() == Self.t0.addingTimeInterval(10))
            for second in [11.0, 30, 69] {
                _ = try await store.checkToken(session.secret, context: Self.at(second))
                #expect(try await lastUse() == Self.t0.addingTimeInterval(10), "not written again \(second - 10) s later")
            }
            #expect(try await signIns() == 1)
            _ = try await store.checkToken(session.secret, context: Self.at(70))
            #expect(try await lastUse() == Self.t0.addingTimeInterval(70), "written again a minute later")
            #expect(try await signIns() == 2)
            // The limit counts from the stored last use: a session may end up to a minute early, never late.
            _ = try await store.checkToken(session.secret, context: Self.at(100))
            #expect(try await store.checkToken(session.secret, context: Self.at(70 + Self.idle)) == .idle(tokenID: session.id, idleLimit: Self.idle))
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func everyServerOnTheDatabaseReadsTheSameLastUse(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            let session = try await Self.session(store)
            let other = try await harness.open()  // a second server on the same database
            #expect(try await store.checkToken(session.secret, context: Self.at(20 * 60)).user != nil)
            #expect(try await other.checkToken(session.secret, context: Self.at(45 * 60)).user != nil, "used 25 minutes ago on the first")
            #expect(try await store.checkToken(session.secret, context: Self.at(75 * 60)) == .idle(tokenID: session.id, idleLimit: Self.idle))
            #expect(try await other.checkToken(session.secret, context: Self.at(75 * 60)) == .refused)
            try await other.close()
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func sessionsIssuedBeforeTheMigrationHaveNoIdleLimit(_ backend: AuditBackend) async throws {
        let harness = try StoreHarness(backend)
        defer { Task { await harness.close() } }
        try await harness.migrate(before: "store-8")
        let secret = "trt_" + String(repeating: "B", count: 43)
        let hash = TokenHash.of(secret).map { String(format: "%02x", $0) }.joined()
        try await harness.execute("""
            INSERT INTO app_user (id, name, role, organization_id, created_at) VALUES ('cw-7', 'Casey Worker', 'caseworker', 'ORG-CMHC', '2026-01-05 10:00:00.000')
            """)
        try await harness.execute("""
            INSERT INTO api_token (id, user_id, token_hash, created_at, kind) VALUES ('tok-old', 'cw-7', \(backend == .sqlite ? "X'\(hash)'" : "'\\x\(hash)'::bytea"), '2026-01-05 10:00:00.000', 'session')
            """)
        let store = try await harness.open()
        #expect(try await store.checkToken(secret, context: Self.at(86_400)).user?.id == "cw-7", "an old session keeps its old rules until it expires")
        try await store.close()
    }
}
