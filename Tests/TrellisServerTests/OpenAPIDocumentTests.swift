import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
import TrellisDirectory
import TrellisServer
import TrellisStore
import TrellisTestSupport

/// schemas/openapi.yaml is a valid OpenAPI document, is what `/openapi.yaml` serves, and describes what
/// the routes really answer: answers recorded here are checked against it, strictly (no undeclared key).
@Suite struct OpenAPIDocumentTests {
    typealias F = APIFixture
    static let document = DeliveryFixtures.repository.appendingPathComponent("schemas/openapi.yaml").path

    @Test func theDocumentIsValid() throws {
        let result = try DeliveryFixtures.validate("validate_openapi.py", [Self.document])
        #expect(result.status == 0, "\(result.output)")
        let examples = try DeliveryFixtures.validate("check_openapi_examples.py", [])
        #expect(examples.status == 0, "\(examples.output)")
    }

    @Test func realAnswersMatchTheDocument() async throws {
        let fixture = try await F.make()
        let folder = fixture.rig.folder.appendingPathComponent("answers")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Delivered first (its worker sends whatever waits): messages can be written on it.
        let delivered = try await ReferralMessageRouteTests.referral(fixture)
        let existing = try await AccessMatrixTests.refer(fixture, by: .caseworkerA, to: "ORG-42")
        var settings = APIFixture.settings(matcher: F.matcher)
        settings.matching = fixture.matching
        settings.openAPIDocument = Self.document
        // Uploads on, as in APIFixture.app(), so a directory upload's answers are recorded too.
        settings.reader = DirectoryReader(taxonomy: try TaxonomyMap(json: Data(contentsOf: DeliveryFixtures.repository.appendingPathComponent("config/taxonomy-map.json"))))
        settings.uploadSpool = fixture.rig.folder.path
        settings.uploadLimitBytes = 4 * 1_024 * 1_024
        let app = try await buildApplication(settings: settings, store: fixture.store, logger: LoopbackServer.logger)
        try await app.test(.router) { client in
            var count = 0
            func record(_ method: HTTPRequest.Method, _ uri: String, _ caller: F.Caller?, _ body: ByteBuffer? = nil) async throws {
                let response = try await client.execute(uri: uri, method: method, headers: fixture.headers(caller), body: body)
                let text = String(buffer: response.body)
                let parsed = (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) ?? text
                let entry: [String: Any] = ["method": method.rawValue, "path": uri, "status": Int(response.status.code),
                                            "content_type": response.headers[.contentType] ?? "", "body": parsed]
                count += 1
                try JSONSerialization.data(withJSONObject: entry).write(to: folder.appendingPathComponent(String(format: "%03d.json", count)))
            }
            try await record(.get, "/healthz", nil)
            try await record(.get, "/readyz", nil)
            try await record(.get, "/v1/me", .caseworkerA)
            try await record(.get, "/v1/me", nil)
            try await record(.post, "/v1/matches?limit=2", .caseworkerA, ByteBuffer(data: try JSONEncoder().encode(DeliveryFixtures.profile)))
            try await record(.post, "/v1/matches?limit=99", .caseworkerA, ByteBuffer(string: "{}"))
            try await record(.get, "/v1/services?per_page=1", .caseworkerA)
            try await record(.get, "/v1/services?near=41.2,-95.9&radius_km=900", .caseworkerA)
            try await record(.get, "/v1/services/svc-ORG-42", .caseworkerA)
            try await record(.get, "/v1/services/nope", .caseworkerA)
            try await record(.post, "/v1/referrals", .caseworkerA, try F.referralBody())
            try await record(.post, "/v1/referrals", .caseworkerA, try F.referralBody(extra: #", "colour": "red""#))
            try await record(.post, "/v1/referrals", .partner42, try F.referralBody())
            try await record(.get, "/v1/referrals?per_page=1", .caseworkerA)
            try await record(.get, "/v1/referrals/\(existing)", .caseworkerA)
            try await record(.get, "/v1/referrals/\(existing)", .caseworkerB)
            try await record(.get, "/fhir/Task?owner=Organization/ORG-42&status=requested&_count=1", .partner42)
            try await record(.get, "/fhir/Task/\(existing)", .partner42)
            try await record(.get, "/fhir/ServiceRequest/\(existing)", .partner42)
            try await record(.get, "/fhir/Task/ref-nope", .partner42)
            try await record(.get, "/fhir/Task?_count=0", .partner42)
            try await record(.get, "/fhir/Task", nil)
            try await record(.get, "/fhir/Task", .caseworkerA)
            try await record(.post, "/v1/referrals/\(existing)/cancel", .caseworkerA, ByteBuffer(string: #"{"reason": "found housing"}"#))
            try await record(.post, "/v1/referrals/\(existing)/cancel", .caseworkerA, ByteBuffer(string: "{}"))
            try await record(.get, "/v1/referrals/\(existing)/next-matches", .caseworkerA)
            try await record(.get, "/v1/referrals/\(existing)/next-matches?limit=0", .caseworkerA)
            try await record(.post, "/v1/referrals/\(existing)/follow-up", .caseworkerA, ByteBuffer(string: "{}"))
            try await record(.get, "/v1/referrals?needs_next_step=true&follow_up_due=true", .caseworkerA)
            try await record(.get, "/v1/reports/loop-closure", .supervisorA)
            try await record(.get, "/v1/reports/loop-closure", .caseworkerA)
            try await record(.get, "/v1/reports/equity", .supervisorA)
            try await record(.get, "/v1/reports/equity?format=csv", .supervisorA)
            try await record(.get, "/v1/reports/equity?format=xlsx", .supervisorA)
            try await record(.get, "/v1/reports/equity", .caseworkerA)
            try await record(.get, "/v1/audit?limit=3", .admin)
            try await record(.get, "/v1/audit/verify", .admin)
            try await record(.get, "/metrics", nil)
            try await record(.get, "/metrics", .caseworkerA)
            try await record(.get, "/metrics", .admin)
            try await record(.post, "/v1/referrals", .caseworkerA, try F.referralBody(capturedAt: Date().addingTimeInterval(-40 * 86_400)))
            let county = ByteBuffer(data: try DirectoryRouteTests.sampleHSDS)
            try await record(.post, "/v1/directories?name=county.json&source=test&replace_source=true", .admin, county)
            try await record(.post, "/v1/directories?name=county.json&source=test&replace_source=true&allow_mass_withdrawal=true", .admin, county)
            try await record(.get, "/v1/referrals/\(existing)", .caseworkerA)
            try await record(.get, "/v2/nothing", nil)
            try await record(.post, "/v1/referrals/\(delivered.id)/messages", .caseworkerA, ReferralMessageRouteTests.message("Is there a bed?"))
            try await record(.post, "/v1/referrals/\(delivered.id)/messages", .agency42, ReferralMessageRouteTests.message("Her file", personal: true))
            try await record(.post, "/v1/referrals/\(delivered.id)/messages", .caseworkerA, ReferralMessageRouteTests.message(""))
            try await record(.post, "/v1/referrals/\(existing)/messages", .caseworkerA, ReferralMessageRouteTests.message("Hello"))
            try await record(.get, "/v1/referrals/\(delivered.id)/messages", .agency42)
            try await record(.get, "/v1/referrals/\(delivered.id)/messages", .caseworkerB)
            try await record(.post, "/v1/referrals/\(delivered.id)/consent/revoke", .caseworkerA)
            try await record(.post, "/v1/referrals/\(delivered.id)/consent/revoke", .caseworkerA)
            try await record(.post, "/v1/referrals/\(delivered.id)/consent/revoke", .partner42)
            let served = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(Data(buffer: served.body) == FileManager.default.contents(atPath: Self.document))
        }
        let result = try DeliveryFixtures.validate("check_openapi_examples.py", ["--responses", folder.path])
        #expect(result.status == 0, "\(result.output)")
        await fixture.rig.close()
    }
}
