import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
import TrellisDirectory
import TrellisMatching
import TrellisServer
import TrellisStore
import TrellisTestSupport

/// The real application over a fresh store with a directory, users of every role in two referring
/// organizations, and a partner token for the agency ORG-42. Tests drive it with HummingbirdTesting.
struct APIFixture {
    static let matcher = Matcher(today: CalendarDay(year: 2026, month: 12, day: 2)!)

    enum Caller: String, CaseIterable, CustomStringConvertible, Sendable {
        case caseworkerA = "cw-a", caseworkerB = "cw-b", supervisorA = "sup-a", supervisorB = "sup-b", admin = "admin-1", partner42 = "partner-p42"
        /// Someone at agency ORG-42 answering in the inbox pages.
        case agency42 = "agency-42"
        var description: String { rawValue }
        var role: UserAccount.Role {
            switch self {
            case .caseworkerA, .caseworkerB: .caseworker
            case .supervisorA, .supervisorB: .supervisor
            case .admin: .admin
            case .partner42: .partner
            case .agency42: .agency
            }
        }
        var organization: String {
            switch self {
            case .caseworkerA, .supervisorA: "ORG-A"
            case .caseworkerB, .supervisorB: "ORG-B"
            case .admin: "ORG-ADMIN"
            case .partner42: "p42"
            case .agency42: "ORG-42"
            }
        }
    }

    let rig: DeliveryRig
    let matching: MatchingService
    let tokens: [Caller: String]
    /// The application's count of failed authentications, to flush in a test.
    let failures = FailedAuthentications()
    var store: SQLiteStore { rig.store }

    static func make() async throws -> APIFixture {
        let rig = try await DeliveryRig.make()
        let setup = AuditContext(actor: "admin-1", purpose: "security")
        try await rig.store.savePartner(DeliveryRig.partner("p42", endpoint: "http://127.0.0.1:9/referrals", organizations: ["ORG-42"]), context: setup)
        var tokens: [Caller: String] = [:]
        for caller in Caller.allCases {
            try await rig.store.addUser(UserAccount(id: caller.rawValue, name: "User \(caller)", role: caller.role, organizationID: caller.organization,
                                                    createdAt: Date()), passwordHash: nil, context: setup)
            tokens[caller] = try await rig.store.issueToken(userID: caller.rawValue, expiresAt: nil, context: setup).secret
        }
        let matching = try await MatchingService.load(from: rig.store, matcher: matcher)
        return APIFixture(rig: rig, matching: matching, tokens: tokens)
    }

    func app() async throws -> some ApplicationProtocol {
        let taxonomy = try TaxonomyMap(json: Data(contentsOf: DeliveryFixtures.repository.appendingPathComponent("config/taxonomy-map.json")))
        var settings = Self.settings(matcher: Self.matcher)
        settings.matching = matching
        settings.reader = DirectoryReader(taxonomy: taxonomy)
        settings.uploadSpool = rig.folder.path
        settings.uploadLimitBytes = 4 * 1_024 * 1_024
        settings.failedAuthentications = failures
        return try await buildApplication(settings: settings, store: rig.store, logger: LoopbackServer.logger)
    }

    /// The server's real wiring on any free port, without the services that work on their own clock
    /// (delivery, polling, overdue checks, directory and database watchers): a test drives those itself.
    static func settings(matcher: Matcher) -> TrellisServerSettings {
        var settings = TrellisServerSettings(matcher: matcher)
        settings.port = 0
        settings.delivery = nil
        settings.pollEvery = nil
        settings.overdueEvery = nil
        settings.consentSweepEvery = nil
        settings.watchesDirectory = false
        settings.watchesDatabase = false
        return settings
    }

    /// Runs `body` against the application.
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await app().test(.router, body)
        await rig.close()
    }

    func headers(_ caller: Caller?) -> HTTPFields {
        var fields: HTTPFields = [.contentType: "application/json"]
        if let caller { fields[.authorization] = "Bearer \(tokens[caller]!)" }
        return fields
    }

    /// A referral body for the rig's service at `organization`, under consent to it.
    static func referralBody(to organization: String = "ORG-42", ref: String = "P-1042", extra: String = "", capturedBy: String = "cw-a",
                             capturedAt: Date = Date().addingTimeInterval(-86_400)) throws -> ByteBuffer {
        var profile = DeliveryFixtures.profile
        profile.person.ref = ref
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let profileJSON = String(decoding: try encoder.encode(profile), as: UTF8.self)
        return ByteBuffer(string: """
            {"profile": \(profileJSON), "service_id": "svc-\(organization)", "note": "prefers mornings",
             "consent": {"recipient": "\(organization)", "categories": ["contact", "needs"], "method": "verbal",
                         "captured_by": "\(capturedBy)", "captured_at": "\(capturedAt.formatted(.iso8601))"}\(extra)}
            """)
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any], "\(String(buffer: response.body))")
    }

    static func errorField(_ response: TestResponse) throws -> String? {
        (try json(response)["error"] as? [String: Any])?["field"] as? String
    }
}
