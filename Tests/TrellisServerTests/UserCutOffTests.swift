import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
@testable import TrellisServer
import TrellisStore
import TrellisTestSupport

/// An administrator cuts a user or a token off on the admin page: the next request on this server is
/// refused, even for an API token the server had just checked and cached.
@Suite struct UserCutOffTests {
    typealias Site = WebPageTests.Site
    typealias Browser = WebPageTests.Browser

    static func list(_ client: any TestClientProtocol, _ token: String) async throws -> HTTPResponse.Status {
        try await client.execute(uri: "/v1/referrals", method: .get, headers: [.authorization: "Bearer \(token)"]).status
    }

    @Test func disablingAUserOnTheAdminPageRefusesTheirCachedTokenAndSessionAtOnce() async throws {
        let site = try await Site.make()
        let token = try await site.rig.store.issueToken(userID: "cw-1", expiresAt: nil, context: AuditContext(actor: "admin-1"))
        try await site.test { client in
            #expect(try await Self.list(client, token.secret) == .ok, "checked, and now cached for 30 s")
            var worker = Browser()
            _ = try await worker.signIn(client, as: "cw-1")
            #expect(try await worker.get(client, "/").status == .ok)

            var admin = Browser()
            _ = try await admin.signIn(client, as: "admin-1")
            let page = try await admin.get(client, "/admin")
            #expect(String(buffer: page.body).contains("action=\"/admin/users/cw-1/disable\""))
            let csrf = try #require(WebPageTests.hidden("csrf", in: page))
            #expect(String(buffer: page.body).contains("action=\"/admin/users/cw-1/disable\"><input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\""),
                    "each button's form carries the session's CSRF token")
            #expect(try await admin.post(client, "/admin/users/cw-1/disable", []).status == .forbidden, "no CSRF token, no change")
            #expect(try await Self.list(client, token.secret) == .ok)

            let done = try await admin.post(client, "/admin/users/cw-1/disable", [("csrf", csrf)])
            #expect(done.status == .ok)
            #expect(String(buffer: done.body).contains("Disabled cw-1"))
            #expect(try await Self.list(client, token.secret) == .unauthorized, "the cached token is dropped on this server")
            let home = try await worker.get(client, "/")
            #expect(home.status == .seeOther && home.headers[.location] == "/sign-in")

            let enabled = try await admin.post(client, "/admin/users/cw-1/enable", [("csrf", csrf)])
            #expect(enabled.status == .ok)
            #expect(try await Self.list(client, token.secret) == .ok)
            let audit = try await site.rig.store.audit.records(after: 0, limit: 1_000).map(\.event)
            #expect(audit.filter { $0.entity == "user" && $0.entityID == "cw-1" && $0.action == .update }.map { "\($0.actor) \($0.detail ?? "")" }
                    == ["admin-1 disabled", "admin-1 enabled"])
        }
    }

    @Test func revokingATokenOnTheAdminPageRefusesItAtOnce() async throws {
        let site = try await Site.make()
        let token = try await site.rig.store.issueToken(userID: "cw-1", expiresAt: nil, context: AuditContext(actor: "admin-1"))
        let kept = try await site.rig.store.issueToken(userID: "sup-1", expiresAt: nil, context: AuditContext(actor: "admin-1"))
        try await site.test { client in
            #expect(try await Self.list(client, token.secret) == .ok)
            var admin = Browser()
            _ = try await admin.signIn(client, as: "admin-1")
            let page = try await admin.get(client, "/admin")
            let html = String(buffer: page.body)
            #expect(html.contains("action=\"/admin/tokens/\(token.id)/revoke\"") && !html.contains(token.secret))
            let csrf = try #require(WebPageTests.hidden("csrf", in: page))
            let done = try await admin.post(client, "/admin/tokens/\(token.id)/revoke", [("csrf", csrf)])
            #expect(done.status == .ok)
            #expect(try await Self.list(client, token.secret) == .unauthorized)
            #expect(try await Self.list(client, kept.secret) == .ok)
            #expect(try await admin.post(client, "/admin/tokens/\(token.id)/revoke", [("csrf", csrf)]).status == .notFound)

            var worker = Browser()
            _ = try await worker.signIn(client, as: "cw-1")
            #expect(try await admin.post(client, "/admin/users/cw-1/revoke-tokens", [("csrf", csrf)]).status == .ok)
            #expect(try await worker.get(client, "/").status == .seeOther, "the web session was a token too")
            // Only an administrator may use these forms.
            var supervisor = Browser()
            _ = try await supervisor.signIn(client, as: "sup-1")
            let own = try #require(WebPageTests.hidden("csrf", in: try await supervisor.get(client, "/dashboard")))
            #expect(try await supervisor.post(client, "/admin/users/admin-1/disable", [("csrf", own)]).status == .forbidden)
        }
    }

    @Test func theCacheForgetsOneUsersTokensAndKeepsOthers() {
        let cache = TokenCache()
        #expect(cache.lifetime == 30, "the documented window within which other servers notice")
        let a = UserAccount(id: "cw-a", name: "A", role: .caseworker, organizationID: "ORG-A", createdAt: Date())
        let b = UserAccount(id: "cw-b", name: "B", role: .caseworker, organizationID: "ORG-A", createdAt: Date())
        let now = Date()
        cache.remember(a, for: "trt_a1", now: now)
        cache.remember(a, for: "trt_a2", now: now)
        cache.remember(b, for: "trt_b", now: now)
        cache.forget(userID: "cw-a")
        #expect(cache.user(for: "trt_a1", now: now) == nil && cache.user(for: "trt_a2", now: now) == nil)
        #expect(cache.user(for: "trt_b", now: now) == b)
        #expect(cache.user(for: "trt_b", now: now.addingTimeInterval(31)) == nil, "other servers check again after 30 s")
    }
}
