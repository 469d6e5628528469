import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
@testable import TrellisServer
import TrellisStore
import TrellisTestSupport

/// The sign-in limits over real HTTP on 127.0.0.1: a cap per account whatever the address, the
/// client's address taken from X-Forwarded-For only when a trusted proxy sends it, and aged-out
/// entries pruned.
@Suite struct SignInLimitTests {
    typealias Browser = WebPageTests.Browser
    static let wrong = "not-the-password-at-all"
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// Signs in as `user` with the request claiming to come from `client` through a proxy.
    static func signIn(_ client: any TestClientProtocol, as user: String, password: String = WebPageTests.password,
                       forwardedFor address: String) async throws -> TestResponse {
        var browser = Browser()
        let page = try await client.execute(uri: "/sign-in", method: .get, headers: [Self.forwardedFor: address])
        browser.keep(page)
        let token = try #require(WebPageTests.hidden("csrf", in: page))
        var fields = browser.header
        fields[.contentType] = "application/x-www-form-urlencoded"
        fields[Self.forwardedFor] = "203.0.113.99, \(address)"  // the left entry is the client's own claim, never believed
        let body = "csrf=\(token)&username=\(user)&password=\(password)"
        return try await client.execute(uri: "/sign-in", method: .post, headers: fields, body: ByteBuffer(string: body))
    }

    static func site(trusting proxies: [String]) async throws -> WebPageTests.Site {
        var site = try await WebPageTests.Site.make()
        site.settings.forwardedFor = try ForwardedFor(trustedProxies: proxies)
        return site
    }

    static func test(_ site: WebPageTests.Site, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await buildApplication(settings: site.settings, store: site.rig.store, logger: LoopbackServer.logger).test(.live, body)
        await site.rig.close()
    }

    @Test func oneAccountIsCappedAcrossEveryAddress() async throws {
        let site = try await Self.site(trusting: ["127.0.0.1"])
        try await Self.test(site) { client in
            for n in 1...SignInLimiter.perAccount {  // one failure from each of ten addresses: no per-address limit is reached
                let refused = try await Self.signIn(client, as: "cw-1", password: Self.wrong, forwardedFor: "198.51.100.\(n)")
                #expect(refused.status == .unauthorized)
            }
            let capped = try await Self.signIn(client, as: "cw-1", forwardedFor: "198.51.100.200")
            #expect(capped.status == .tooManyRequests, "the right password from a fresh address waits too")
            #expect(capped.headers[.retryAfter] != nil)
            let other = try await Self.signIn(client, as: "sup-1", forwardedFor: "198.51.100.200")
            #expect(other.status == .seeOther, "another account from that address signs in")
            let trail = try await site.rig.store.audit.records(after: 0, limit: 1_000).map(\.event)
            let refusals = trail.filter { $0.entity == "session" && $0.outcome == .denied && $0.detail == "password sign-in refused" }
            #expect(Set(refusals.compactMap(\.sourceAddress)) == Set((1...SignInLimiter.perAccount).map { "198.51.100.\($0)" }),
                    "the proxy's client is the address audited")
        }
    }

    @Test func forwardedForFromAnUntrustedPeerIsIgnored() async throws {
        let site = try await Self.site(trusting: ["192.0.2.1"])  // a proxy, but not the peer of these requests
        try await Self.test(site) { client in
            for n in 1...SignInLimiter.perAccountAndAddress {
                let refused = try await Self.signIn(client, as: "cw-1", password: Self.wrong, forwardedFor: "198.51.100.\(n)")
                #expect(refused.status == .unauthorized)
            }
            let limited = try await Self.signIn(client, as: "cw-1", forwardedFor: "198.51.100.77")
            #expect(limited.status == .tooManyRequests, "a made-up X-Forwarded-For does not buy fresh attempts")
            let trail = try await site.rig.store.audit.records(after: 0, limit: 1_000).map(\.event)
            let addresses = Set(trail.filter { $0.entity == "session" && $0.outcome == .denied }.compactMap(\.sourceAddress))
            #expect(addresses == ["127.0.0.1"])
        }
    }

    @Test(arguments: [
        (["127.0.0.1"], "127.0.0.1", ["198.51.100.7"], "198.51.100.7"),
        (["127.0.0.1"], "127.0.0.1", ["203.0.113.9, 198.51.100.7"], "198.51.100.7"),
        (["127.0.0.1", "10.0.0.2"], "127.0.0.1", ["198.51.100.7, 10.0.0.2"], "198.51.100.7"),
        (["127.0.0.1"], "127.0.0.1", ["198.51.100.7:4711"], "198.51.100.7"),
        (["127.0.0.1"], "127.0.0.1", ["[2001:db8::1]:443"], "2001:db8::1"),
        (["127.0.0.1"], "127.0.0.1", ["not-an-address"], "127.0.0.1"),
        (["127.0.0.1"], "127.0.0.1", [], "127.0.0.1"),
        (["10.0.0.2"], "127.0.0.1", ["198.51.100.7"], "127.0.0.1"),
        ([], "127.0.0.1", ["198.51.100.7"], "127.0.0.1"),
    ])
    func theClientIsTheRightmostAddressNoTrustedProxyWrote(_ trusted: [String], _ peer: String, _ header: [String], _ client: String) throws {
        #expect(try ForwardedFor(trustedProxies: trusted).client(peer: peer, forwardedFor: header) == client)
    }

    @Test func aTrustedProxyMustBeAnAddress() {
        #expect(throws: ForwardedForError.self) { try ForwardedFor(trustedProxies: ["proxy.example"]) }
    }

    @Test func agedOutEntriesArePruned() {
        let limiter = SignInLimiter()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        limiter.failed(user: "cw-1", address: "198.51.100.1", now: start)
        limiter.failed(user: "cw-2", address: "198.51.100.2", now: start.addingTimeInterval(600))
        #expect(limiter.entries == 6)
        #expect(limiter.prune(now: start.addingTimeInterval(SignInLimiter.window + 1)) == 3, "the first failure aged out")
        #expect(limiter.prune(now: start.addingTimeInterval(SignInLimiter.window + 601)) == 0)
    }
}
