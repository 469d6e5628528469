import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
import TrellisServer
import TrellisStore
import TrellisTestSupport

/// The web pages against what the API is already tried with: forms without their CSRF token (every
/// POST route the router has), another organization's referral, paths out of the static folder, the
/// directory upload with a bad file or the wrong role, and malformed `Authorization` headers.
@Suite struct WebHostileInputTests {
    typealias Site = WebPageTests.Site
    typealias Browser = WebPageTests.Browser

    static let csrfRefusal = "the form has expired or did not come from this site"

    /// A referral made by another referring organization (ORG-OTHER) to the first stored service.
    static func otherOrganizationsReferral(_ site: Site) async throws -> Referral {
        let service = try await firstService(site)
        var profile = DeliveryFixtures.profile
        profile.person.ref = "P-OTHER-77"
        let consent = Consent(recipient: service.organizationID, categories: [.contact, .needs], method: .verbal, capturedBy: "cw-other",
                              capturedAt: Date().addingTimeInterval(-60))
        return try await site.rig.store.createReferral(NewReferral(profile: profile, serviceID: service.id, consent: consent,
                                                                   referrerOrganizationID: "ORG-OTHER"),
                                                       context: AuditContext(actor: "cw-other"))
    }

    static func firstService(_ site: Site) async throws -> Service {
        try #require(try await site.rig.store.storedServices().first)
    }

    /// `multipart/form-data` as a browser sends the upload form; `csrf` nil leaves the token out.
    static func upload(_ file: Data, name: String = "directory.json", csrf: String?, cookies: HTTPFields,
                       boundary: String = "trellis-test-boundary") -> (HTTPFields, ByteBuffer) {
        var body = Data()
        if let csrf {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n".utf8))
        }
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8))
        body.append(file)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        var headers = cookies
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return (headers, ByteBuffer(bytes: body))
    }

    static func sampleDirectory() throws -> Data {
        try Data(contentsOf: DeliveryFixtures.repository.appendingPathComponent("config/directories/riverbend.hsds.json"))
    }

    static func status(of referral: Referral, _ site: Site) async throws -> ReferralStatus {
        try await site.rig.store.referral(id: referral.id, context: AuditContext(actor: "admin-1")).status
    }

    /// Every POST route of the web pages, read from the router itself: a page added later is tried too
    /// (and must be given a user here, or this test fails naming it).
    @Test func everyPagePostIsRefusedWithoutItsCSRFToken() async throws {
        let site = try await Site.make()
        let router = TrellisApplication.router(TrellisServerParts(store: site.rig.store, web: site.settings.web))
        let pagePosts = Set(router.routes.filter { $0.method == .post }.map { "\($0.path)" }
            .filter { !$0.hasPrefix("/v1/") && !$0.hasPrefix("/fhir/") })
        /// Who may use each route when the token is there, so the refusal can only be the token's.
        let users: [String: String] = [
            "/sign-in": "", "/sign-out": "cw-1", "/matches": "cw-1", "/referrals/new": "cw-1", "/referrals/{id}/cancel": "cw-1",
            "/referrals/{id}/follow-up": "cw-1",
            "/admin/directories": "admin-1", "/admin/audit/verify": "admin-1",
            "/admin/users/{id}/{action}": "admin-1", "/admin/tokens/{id}/revoke": "admin-1",
            "/admin/users": "admin-1", "/inbox/{id}/answer": "ag-1", "/inbox/capacity/{id}": "ag-1",
            "/referrals/{id}/consent/revoke": "cw-1", "/referrals/{id}/messages": "cw-1", "/inbox/{id}/messages": "ag-1",
            "/matches/peer-support": "cw-1",
        ]
        #expect(pagePosts == Set(users.keys), "page POST routes without a CSRF check in this test: \(pagePosts.subtracting(users.keys))")
        let service = try await Self.firstService(site)
        let ownReferral = try await site.rig.store.createReferral(
            NewReferral(profile: DeliveryFixtures.profile, serviceID: service.id,
                        consent: Consent(recipient: service.organizationID, categories: [.needs], method: .verbal, capturedBy: "cw-1",
                                         capturedAt: Date().addingTimeInterval(-60)),
                        referrerOrganizationID: "ORG-CW"),
            context: AuditContext(actor: "cw-1"))
        let snapshot = try await site.rig.store.latestSnapshot()?.id
        try await site.test { client in
            for route in pagePosts.sorted() {
                let uri = route.replacingOccurrences(of: "{id}", with: route.hasPrefix("/admin/users/") ? "cw-1" : ownReferral.id)
                    .replacingOccurrences(of: "{action}", with: "disable")
                var browser = Browser()
                if let user = users[route], !user.isEmpty { _ = try await browser.signIn(client, as: user) }
                let profile = String(decoding: try JSONEncoder().encode(DeliveryFixtures.profile), as: UTF8.self)
                let fields: [(String, String)] = [("username", "cw-1"), ("password", WebPageTests.password), ("person_ref", "P-9"), ("need", "housing"),
                                                  ("profile", profile), ("service_id", ownReferral.serviceID), ("category", "needs"),
                                                  ("action", "send"), ("reason", "forged"), ("version", "1"), ("text", "forged"), ("confirm", "yes")]
                var attempts: [(token: String?, multipart: Bool)] = [(nil, false), ("forged-token", false)]
                if route == "/admin/directories" { attempts += [(nil, true), ("forged-token", true)] }
                for (token, multipart) in attempts {
                    let response: TestResponse
                    if multipart {
                        let (headers, body) = Self.upload(try Self.sampleDirectory(), csrf: token, cookies: browser.header)
                        response = try await client.execute(uri: uri, method: .post, headers: headers, body: body)
                    } else {
                        response = try await browser.post(client, uri, fields + (token.map { [("csrf", $0)] } ?? []))
                    }
                    let html = String(buffer: response.body)
                    #expect(response.status == .forbidden, "\(route) with CSRF token \(token ?? "missing"): \(response.status)")
                    if route == "/sign-in" {
                        #expect(html.contains("The sign-in form expired"), "\(route)")
                        #expect(!response.headers[values: .setCookie].contains { $0.hasPrefix("trellis_session=") }, "no session from a forged sign-in")
                    } else {
                        #expect(html.contains(Self.csrfRefusal), "\(route): refused for its token, not for something else")
                    }
                }
                if users[route] == "cw-1" {
                    #expect(try await browser.get(client, "/referrals").status == .ok, "\(route): the session was not signed out")
                }
            }
            // Nothing any of them asked for happened.
            #expect(try await Self.status(of: ownReferral, site) == .requested)
            #expect(try await site.rig.store.referrals(ReferralFilter(), context: AuditContext(actor: "admin-1")).count == 1, "no referral was sent")
            #expect(try await site.rig.store.latestSnapshot()?.id == snapshot, "no directory was imported")
            #expect(try await site.rig.store.consent(referralID: ownReferral.id, context: AuditContext(actor: "admin-1")).consent.revokedAt == nil,
                    "no consent was revoked")
            #expect(try await site.rig.store.messages(referralID: ownReferral.id, context: AuditContext(actor: "admin-1")).isEmpty, "no message was stored")
            let trail = try await site.rig.store.audit.records(after: 0, limit: 10_000).map(\.event)
            #expect(!trail.contains { $0.entity == "audit" && $0.entityID == "verify" }, "the audit chain was not verified on a forged form")
            #expect(!trail.contains { $0.entity == "match" }, "no ranking was run on a forged form")
        }
    }

    @Test func anotherOrganizationsReferralIsNotFoundThroughThePages() async throws {
        let site = try await Site.make()
        let other = try await Self.otherOrganizationsReferral(site)
        try await site.test { client in
            for user in ["cw-1", "sup-1"] {
                var browser = Browser()
                _ = try await browser.signIn(client, as: user)
                let missingID = "ref-\(UUID().uuidString.lowercased())"
                let missing = try await browser.get(client, "/referrals/\(missingID)")
                let page = try await browser.get(client, "/referrals/\(other.id)")
                #expect(page.status == .notFound && missing.status == .notFound, "\(user)")
                #expect(String(buffer: page.body).replacingOccurrences(of: other.id, with: "ID")
                        == String(buffer: missing.body).replacingOccurrences(of: missingID, with: "ID"),
                        "\(user): the same page as for a referral that does not exist")
                #expect(!String(buffer: page.body).contains("P-OTHER-77"))
                let tracker = String(buffer: try await browser.get(client, "/referrals").body)
                #expect(!tracker.contains("data-referral-id=\"\(other.id)\""), "\(user): not in the tracker")
                if user == "cw-1" {
                    let csrf = try #require(WebPageTests.hidden("csrf", in: try await browser.get(client, "/referrals")))
                    let cancel = try await browser.post(client, "/referrals/\(other.id)/cancel", [("csrf", csrf), ("reason", "not mine")])
                    #expect(cancel.status == .notFound)
                    #expect(!String(buffer: cancel.body).contains("P-OTHER-77"))
                }
            }
            #expect(try await Self.status(of: other, site) == .requested, "the cancel changed nothing")
            let trail = try await site.rig.store.audit.records(after: 0, limit: 10_000).map(\.event)
            #expect(trail.contains { $0.actor == "cw-1" && $0.entityID == other.id && $0.outcome == .denied }, "the refusal is audited")
            var admin = Browser()
            _ = try await admin.signIn(client, as: "admin-1")
            #expect(try await admin.get(client, "/referrals/\(other.id)").status == .ok, "an administrator sees every referral")
        }
    }

    @Test(arguments: [
        "/static/..%2F..%2FPackage.swift", "/static/..%2f..%2fPackage.swift", "/static/%2e%2e%2f%2e%2e%2fPackage.swift",
        "/static/..%2Ftemplates%2Flayout.mustache", "/static/..%5C..%5CPackage.swift", "/static/%252e%252e%252fPackage.swift",
        "/static/..", "/static/%2e%2e", "/static/.", "/static/.hidden", "/static/..%00trellis.css", "/static/trellis.css%00.txt",
        "/static/%2Fetc%2Fpasswd", "/static/~root", "/static/templates", "/static/../templates/layout.mustache",
        "/static/..;/Package.swift", "/static/trellis.css/..",
    ])
    func staticFilesComeOnlyFromTheStaticFolder(path: String) async throws {
        let site = try await Site.make()
        try await site.test { client in
            let good = try await client.execute(uri: "/static/trellis.css", method: .get)
            #expect(good.status == .ok && good.headers[.contentType] == "text/css; charset=utf-8")
            let response = try await client.execute(uri: path, method: .get)
            let body = String(buffer: response.body)
            #expect(response.status == .notFound || response.status == .badRequest, "\(path): \(response.status)")
            #expect(!body.contains("swift-tools-version") && !body.contains("{{") && !body.contains("root:"), "\(path) leaked a file")
        }
    }

    @Test func theDirectoryUploadRefusesABadFileAndEveryoneButAnAdministrator() async throws {
        let site = try await Site.make()
        let before = try await site.rig.store.latestSnapshot()
        let served = try #require(site.settings.matching?.catalog.count)
        try await site.test { client in
            for user in ["cw-1", "sup-1"] {
                var browser = Browser()
                _ = try await browser.signIn(client, as: user)
                let csrf = try #require(WebPageTests.hidden("csrf", in: try await browser.get(client, "/referrals")))
                let (headers, body) = Self.upload(try Self.sampleDirectory(), csrf: csrf, cookies: browser.header)
                let refused = try await client.execute(uri: "/admin/directories", method: .post, headers: headers, body: body)
                #expect(refused.status == .forbidden, "\(user)")
                #expect(String(buffer: refused.body).contains("may not import directories"), "\(user)")
            }
            var admin = Browser()
            _ = try await admin.signIn(client, as: "admin-1")
            let csrf = try #require(WebPageTests.hidden("csrf", in: try await admin.get(client, "/admin")))
            for (file, name) in [(Data("this is not a directory".utf8), "notes.txt"), (Data(), "empty.json"),
                                 (Data("<?xml version=\"1.0\"?><Source><Agency>".utf8), "truncated.xml"),
                                 (Data((0..<4_096).map { UInt8(truncatingIfNeeded: $0 &* 31) }), "junk.bin")] {
                let (headers, body) = Self.upload(file, name: name, csrf: csrf, cookies: admin.header)
                let response = try await client.execute(uri: "/admin/directories", method: .post, headers: headers, body: body)
                #expect(response.status == .unprocessableContent, "\(name): \(response.status)")
                #expect(String(buffer: response.body).contains("Nothing was imported."), "\(name): the report says so")
            }
            var headers = admin.header
            headers[.contentType] = "application/x-www-form-urlencoded"
            let notMultipart = try await client.execute(uri: "/admin/directories", method: .post, headers: headers,
                                                        body: ByteBuffer(string: "csrf=\(csrf)&file=x"))
            #expect(notMultipart.status == .badRequest)
            #expect(String(buffer: notMultipart.body).contains("multipart/form-data"))
            #expect(try await site.rig.store.latestSnapshot()?.id == before?.id, "nothing was imported")
            #expect(site.settings.matching?.catalog.count == served, "matching still serves the directory it had")
            let trail = try await site.rig.store.audit.records(after: 0, limit: 10_000).map(\.event)
            for user in ["cw-1", "sup-1"] {
                #expect(trail.contains { $0.actor == user && $0.outcome == .denied && $0.entityID == "import directories" }, "\(user)'s attempt is audited")
            }
        }
    }

    @Test(arguments: ["Bearer", "Bearer ", "Bearer    ", "Basic Y3ctMTpjb3JyZWN0LWhvcnNlLWJhdHRlcnk=", "bearer trt_not-a-token",
                      "Bearer trt_" + String(repeating: "A", count: 8_000), "Bearer a b c", "Negotiate", "Bearer \u{00e9}t\u{00e9}", "=",
                      "Bearer trt_AAAA, Bearer trt_BBBB"])
    func aMalformedAuthorizationHeaderNeitherOpensNorBreaksThePages(header: String) async throws {
        let site = try await Site.make()
        try await site.test { client in
            let anonymous = try await client.execute(uri: "/referrals", method: .get, headers: [.authorization: header])
            #expect(anonymous.status == .found || anonymous.status == .seeOther, "\(header.prefix(20)): \(anonymous.status)")
            #expect(anonymous.headers[.location] == "/sign-in")
            var browser = Browser()
            _ = try await browser.signIn(client, as: "cw-1")
            var headers = browser.header
            headers[.authorization] = header
            #expect(try await client.execute(uri: "/referrals", method: .get, headers: headers).status == .ok, "a session still works beside it")
        }
    }

    /// An API token opens the API only: the pages want a session, whose forms carry its CSRF token.
    @Test func anAPITokenDoesNotOpenThePages() async throws {
        let site = try await Site.make()
        let token = try await site.rig.store.issueToken(userID: "cw-1", expiresAt: nil, context: AuditContext(actor: "admin-1", purpose: "security"))
        try await site.test { client in
            let headers: HTTPFields = [.authorization: "Bearer \(token.secret)", .contentType: "application/x-www-form-urlencoded"]
            let page = try await client.execute(uri: "/referrals", method: .get, headers: headers)
            #expect(page.headers[.location] == "/sign-in")
            let form = try await client.execute(uri: "/matches", method: .post, headers: headers, body: ByteBuffer(string: "person_ref=P-1&need=housing"))
            #expect(form.headers[.location] == "/sign-in")
            #expect(try await client.execute(uri: "/v1/me", method: .get, headers: headers).status == .ok, "the token itself is good")
        }
    }
}
