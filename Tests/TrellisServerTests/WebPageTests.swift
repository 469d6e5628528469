import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
import TrellisDirectory
import TrellisMatching
@testable import TrellisServer
import TrellisStore
import TrellisTestSupport

/// The web pages through the real application: sign-in and its cookie flags, the rate limit, CSRF on
/// every form, role checks, and a case worker's way from profile to a sent referral.
@Suite struct WebPageTests {
    static let password = "correct-horse-battery"

    struct Site {
        let rig: DeliveryRig
        var settings: TrellisServerSettings

        /// One cheap bcrypt hash for every site: at the real cost each hash and each sign-in takes a
        /// quarter of a second of CPU, and the suite's many sites and sign-ins at once held up the live
        /// servers of other tests past their read timeout. `PasswordsTests` checks the real cost.
        static let passwordHash = Passwords.hash(WebPageTests.password, cost: 4)

        static func make(secureCookies: Bool = false, configure: (inout WebSettings) -> Void = { _ in }) async throws -> Site {
            let rig = try await DeliveryRig.make(directory: false)
            let repository = DeliveryFixtures.repository
            let taxonomy = try TaxonomyMap(json: Data(contentsOf: repository.appendingPathComponent("config/taxonomy-map.json")))
            let reader = DirectoryReader(taxonomy: taxonomy)
            var merged = DirectoryImport(keepsServices: true)
            for file in ["riverbend.airs.xml", "riverbend.hsds.json"] {
                _ = reader.read(path: repository.appendingPathComponent("config/directories/\(file)").path, into: &merged)
            }
            let setup = AuditContext(actor: "admin-1", purpose: "operations")
            _ = try await rig.store.storeDirectory(merged.sortedServices, files: ["riverbend"], source: nil, replacement: .addAndUpdate, context: setup)
            try await rig.receiveEverywhere()
            let hash = Self.passwordHash
            for (id, role) in [("cw-1", UserAccount.Role.caseworker), ("sup-1", .supervisor), ("admin-1", .admin), ("ag-1", .agency)] {
                try await rig.store.addUser(UserAccount(id: id, name: "User \(id)", role: role, organizationID: "ORG-CW", createdAt: Date()),
                                            passwordHash: hash, context: setup)
            }
            let matcher = Matcher(centroids: PostalCentroids(try ZCTAGazetteer.read(path: repository.appendingPathComponent("config/zcta/riverbend-zcta.txt").path)),
                                  knownDetails: taxonomy.detailsByDomain, today: APIFixture.matcher.today)
            var settings = APIFixture.settings(matcher: matcher)
            settings.matching = try await MatchingService.load(from: rig.store, matcher: matcher)
            var web = WebSettings(webDirectory: repository.appendingPathComponent("web").path, secureCookies: secureCookies)
            configure(&web)
            settings.web = try await WebInterface.load(web)
            settings.reader = reader
            settings.uploadSpool = rig.folder.path
            return Site(rig: rig, settings: settings)
        }

        func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
            try await buildApplication(settings: settings, store: rig.store, logger: LoopbackServer.logger).test(.router, body)
            await rig.close()
        }
    }

    /// A browser's cookie jar, reduced to what these pages set.
    struct Browser {
        var cookies: [String: String] = [:]

        mutating func keep(_ response: TestResponse) {
            for header in response.headers[values: .setCookie] {
                let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                if pair.count == 2 { cookies[String(pair[0])] = String(pair[1]) } else { cookies[String(pair[0])] = "" }
            }
        }

        var header: HTTPFields { [.cookie: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")] }

        mutating func get(_ client: any TestClientProtocol, _ uri: String) async throws -> TestResponse {
            let response = try await client.execute(uri: uri, method: .get, headers: header)
            keep(response)
            return response
        }

        mutating func post(_ client: any TestClientProtocol, _ uri: String, _ form: [(String, String)]) async throws -> TestResponse {
            var fields = header
            fields[.contentType] = "application/x-www-form-urlencoded"
            let body = form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
            let response = try await client.execute(uri: uri, method: .post, headers: fields, body: ByteBuffer(string: body))
            keep(response)
            return response
        }

        mutating func signIn(_ client: any TestClientProtocol, as user: String, password: String = WebPageTests.password) async throws -> TestResponse {
            let page = try await get(client, "/sign-in")
            let token = try #require(WebPageTests.hidden("csrf", in: page))
            return try await post(client, "/sign-in", [("csrf", token), ("username", user), ("password", password)])
        }
    }

    static func hidden(_ name: String, in response: TestResponse) -> String? {
        let html = String(buffer: response.body)
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    @Test func signingInSetsAStrictHttpOnlySessionCookie() async throws {
        let site = try await Site.make()
        try await site.test { client in
            var browser = Browser()
            let response = try await browser.signIn(client, as: "cw-1")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/")
            let cookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("trellis_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            #expect(!cookie.contains("Secure"), "plain HTTP on loopback")
            let home = try await browser.get(client, "/")
            #expect(home.status == .ok)
            #expect(String(buffer: home.body).contains("id=\"profile-form\""))
            #expect(home.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
        }
    }

    @Test func outsideLoopbackTheCookieIsSecure() async throws {
        let site = try await Site.make(secureCookies: true)
        try await site.test { client in
            var browser = Browser()
            let response = try await browser.signIn(client, as: "cw-1")
            #expect(response.headers[values: .setCookie].contains { $0.hasPrefix("trellis_session=") && $0.contains("Secure") })
        }
    }

    @Test func withoutASessionPagesGoToSignIn() async throws {
        let site = try await Site.make()
        try await site.test { client in
            for uri in ["/", "/referrals", "/dashboard", "/admin"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .found || response.status == .seeOther, "\(uri)")
                #expect(response.headers[.location] == "/sign-in")
            }
        }
    }

    @Test func wrongPasswordsAreRefusedThenRateLimited() async throws {
        let site = try await Site.make()
        try await site.test { client in
            var browser = Browser()
            for _ in 0..<5 {  // the limit per user name and address
                let refused = try await browser.signIn(client, as: "cw-1", password: "not-the-password-at-all")
                #expect(refused.status == .unauthorized)
                #expect(String(buffer: refused.body).contains("role=\"alert\""))
            }
            let limited = try await browser.signIn(client, as: "cw-1")
            #expect(limited.status == .tooManyRequests, "even the right password waits once the limit is reached")
            #expect(limited.headers[.retryAfter] != nil)
            let unknown = try await browser.signIn(client, as: "nobody", password: "whatever-it-is-here")
            #expect(unknown.status == .unauthorized, "an unknown user reads the same as a wrong password")
            // The refused passwords one by one; the attempt refused by the limit is counted with its minute's failures.
            try await site.settings.failedAuthentications.flush(to: site.rig.store.audit, everything: true)
            let trail = try await site.rig.store.audit.records(after: 0, limit: 1_000).map(\.event)
            #expect(trail.filter { $0.entity == "session" && $0.outcome == .denied }.count >= 7, "every refusal is audited")
        }
    }

    @Test func aFormWithoutTheSessionsCSRFTokenIsRefused() async throws {
        let site = try await Site.make()
        try await site.test { client in
            var browser = Browser()
            _ = try await browser.signIn(client, as: "cw-1")
            let forged = try await browser.post(client, "/matches", [("person_ref", "P-1"), ("need", "housing")])
            #expect(forged.status == .forbidden)
            let wrong = try await browser.post(client, "/matches", [("csrf", "guess"), ("person_ref", "P-1"), ("need", "housing")])
            #expect(wrong.status == .forbidden)
            let signInForged = try await client.execute(uri: "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                         body: ByteBuffer(string: "username=cw-1&password=\(WebPageTests.password)"))
            #expect(signInForged.status == .forbidden, "sign-in needs its own form's token too")
        }
    }

    @Test func rolesSeeOnlyTheirPages() async throws {
        let site = try await Site.make()
        try await site.test { client in
            var caseworker = Browser()
            _ = try await caseworker.signIn(client, as: "cw-1")
            #expect(try await caseworker.get(client, "/dashboard").status == .forbidden)
            #expect(try await caseworker.get(client, "/admin").status == .forbidden)
            var supervisor = Browser()
            #expect(try await supervisor.signIn(client, as: "sup-1").headers[.location] == "/dashboard")
            let dashboard = try await supervisor.get(client, "/dashboard")
            #expect(dashboard.status == .ok)
            #expect(String(buffer: dashboard.body).contains("<svg id=\"loop-closure-chart\""))
            #expect(try await supervisor.get(client, "/admin").status == .forbidden)
            var admin = Browser()
            _ = try await admin.signIn(client, as: "admin-1")
            let page = try await admin.get(client, "/admin")
            #expect(page.status == .ok)
            let csrf = try #require(WebPageTests.hidden("csrf", in: page))
            let verified = try await admin.post(client, "/admin/audit/verify", [("csrf", csrf)])
            #expect(String(buffer: verified.body).contains("Verified: the audit chain is intact"))
        }
    }

    @Test func aCaseWorkerMatchesPreviewsAndSends() async throws {
        let site = try await Site.make()
        try await site.test { client in
            var browser = Browser()
            _ = try await browser.signIn(client, as: "cw-1")
            let csrf = try #require(WebPageTests.hidden("csrf", in: try await browser.get(client, "/")))
            let profile = [("csrf", csrf), ("person_ref", "P-77"), ("age", "47"), ("postal_code", "68102"), ("languages", "en"),
                           ("need", "housing"), ("urgency", "soon"), ("max_distance_km", "25"), ("name", "Rosa Delgado")]
            let matches = try await browser.post(client, "/matches", profile)
            let html = String(buffer: matches.body)
            #expect(matches.status == .ok, "\(html.prefix(500))")
            #expect(html.contains("data-domain=\"housing\""))
            #expect(!html.contains("match faith"), "no faith-based result without opt-in")
            let carried = try #require(WebPageTests.hidden("profile", in: matches)).replacingOccurrences(of: "&quot;", with: "\"")
            let service = try #require(WebPageTests.hidden("service_id", in: matches))
            let base = [("csrf", csrf), ("profile", carried), ("service_id", service), ("category", "needs"), ("method", "verbal")]
            let preview = try await browser.post(client, "/referrals/new", base + [("action", "preview")])
            let page = String(buffer: preview.body)
            let start = try #require(page.range(of: "<pre id=\"disclosure-preview\">"))
            let shown = page[start.upperBound...].prefix { $0 != "<" }
            #expect(shown.contains("&quot;housing&quot;"), "the needs were consented: they leave")
            #expect(!shown.contains("Rosa"), "contact details were not consented: not in what leaves")
            #expect(!shown.contains("&quot;age&quot;"), "demographics were not consented: not in what leaves")
            let sent = try await browser.post(client, "/referrals/new", base + [("action", "send")])
            #expect(sent.status == .seeOther)
            let location = try #require(sent.headers[.location])
            let referralPage = try await browser.get(client, location)
            #expect(String(buffer: referralPage.body).contains("id=\"referral-status\" class=\"status status-requested\">requested<"))
            let tracker = String(buffer: try await browser.get(client, "/referrals").body)
            #expect(tracker.contains("data-referral-id=\"\(location.split(separator: "/").last!)\""))

            let signOutToken = try #require(WebPageTests.hidden("csrf", in: referralPage))
            let session = try #require(browser.cookies["trellis_session"])
            let out = try await browser.post(client, "/sign-out", [("csrf", signOutToken)])
            #expect(out.headers[.location] == "/sign-in")
            var stale = Browser()
            stale.cookies["trellis_session"] = session
            #expect(try await stale.get(client, "/referrals").headers[.location] == "/sign-in", "the session was revoked, not just forgotten")
        }
    }
}
