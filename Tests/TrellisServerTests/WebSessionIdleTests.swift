import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import TrellisStore
@testable import TrellisServer

/// Automatic log-off on the web pages: a session unused for the idle limit (30 minutes by default)
/// ends, and the page goes to sign-in saying why. The pages' clock is fixed and moved by hand.
@Suite struct WebSessionIdleTests {
    typealias Browser = WebPageTests.Browser

    final class Clock: Sendable {
        private let time = Mutex(Date(timeIntervalSince1970: (Date().timeIntervalSince1970).rounded(.down)))
        var now: Date { time.withLock { $0 } }
        func advance(minutes: Double) { time.withLock { $0 = $0.addingTimeInterval(minutes * 60) } }
    }

    static func site(_ clock: Clock) async throws -> WebPageTests.Site {
        try await WebPageTests.Site.make { settings in settings.now = { clock.now } }
    }

    @Test func aSessionUsedWithinTheIdleLimitKeepsWorking() async throws {
        let clock = Clock()
        let site = try await Self.site(clock)
        try await site.test { client in
            var browser = Browser()
            let signedIn = try await browser.signIn(client, as: "cw-1")
            #expect(signedIn.status == .seeOther)
            for _ in 0..<3 {
                clock.advance(minutes: 29)
                let page = try await browser.get(client, "/referrals")
                #expect(page.status == .ok)
            }
        }
    }

    @Test func anIdleSessionGoesToSignInWithAMessageAndIsAuditedOnce() async throws {
        let clock = Clock()
        let site = try await Self.site(clock)
        let store = site.rig.store
        try await site.test { client in
            var browser = Browser()
            _ = try await browser.signIn(client, as: "cw-1")
            let cookie = try #require(browser.cookies[WebSession.cookieName])
            clock.advance(minutes: 31)
            let ended = try await browser.get(client, "/referrals")
            #expect(ended.status == .found || ended.status == .seeOther)
            #expect(ended.headers[.location] == "/sign-in?signed-out=idle")
            #expect(browser.cookies[WebSession.cookieName] == "", "the session cookie is cleared")
            let page = try await browser.get(client, "/sign-in?signed-out=idle")
            #expect(String(buffer: page.body).contains("You were signed out after 30 minutes without activity"))

            // The same cookie again (another tab): a plain refusal, not a second ending.
            let again = try await client.execute(uri: "/referrals", method: .get, headers: [.cookie: "\(WebSession.cookieName)=\(cookie)"])
            #expect(again.headers[.location] == "/sign-in")
            let events = try await store.audit.records(after: 0, limit: 1_000).map(\.event)
            #expect(events.filter { $0.detail == "session ended after 30 minutes without activity" }.count == 1)
        }
    }

    @Test func theSignInPageSaysNothingWithoutTheParameter() async throws {
        let site = try await Self.site(Clock())
        try await site.test { client in
            let page = try await client.execute(uri: "/sign-in", method: .get)
            #expect(!String(buffer: page.body).contains("without activity"))
        }
    }

    @Test func theIdleLimitIsTheConfiguredOne() async throws {
        let clock = Clock()
        let site = try await WebPageTests.Site.make { settings in
            settings.now = { clock.now }
            settings.sessionIdleLimit = 10 * 60
        }
        try await site.test { client in
            var browser = Browser()
            _ = try await browser.signIn(client, as: "cw-1")
            clock.advance(minutes: 9)
            let page = try await browser.get(client, "/referrals")
            #expect(page.status == .ok)
            clock.advance(minutes: 10)
            let ended = try await browser.get(client, "/referrals")
            #expect(ended.headers[.location] == "/sign-in?signed-out=idle")
            let signIn = try await browser.get(client, "/sign-in?signed-out=idle")
            #expect(String(buffer: signIn.body).contains("You were signed out after 10 minutes without activity"))
        }
    }
}
