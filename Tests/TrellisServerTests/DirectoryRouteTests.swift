import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
import TrellisServer
import TrellisStore
import TrellisTestSupport

/// The directory over HTTP: search with HSDA paging, one service, an administrator's upload that
/// matching and search pick up at once, and what the audit, metrics and error routes answer.
@Suite struct DirectoryRouteTests {
    typealias F = APIFixture
    static var sampleHSDS: Data {
        get throws { try Data(contentsOf: DeliveryFixtures.repository.appendingPathComponent("config/directories/riverbend.hsds.json")) }
    }

    @Test func anUploadIsImportedAndSearchedWithoutARestart() async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let before = try F.json(try await client.execute(uri: "/v1/services?per_page=1", method: .get, headers: fixture.headers(.caseworkerA)))
            #expect(before["total_items"] as? Int == 2)

            let upload = try await client.execute(uri: "/v1/directories?name=../../riverbend.hsds.json", method: .post,
                                                  headers: fixture.headers(.admin), body: ByteBuffer(data: try Self.sampleHSDS))
            #expect(upload.status == .ok, "\(String(buffer: upload.body))")
            let report = try F.json(upload)
            let files = try #require(report["files"] as? [[String: Any]])
            #expect(files.first?["path"] as? String == "riverbend.hsds.json", "no folder from the uploader's name")
            let imported = try #require(report["services"] as? Int)
            #expect(imported > 0)
            #expect((report["stored"] as? [String: Any])?["services"] as? Int == imported)

            let after = try F.json(try await client.execute(uri: "/v1/services?per_page=2&page=2", method: .get, headers: fixture.headers(.caseworkerA)))
            #expect(after["total_items"] as? Int == imported + 2)
            #expect(after["page_number"] as? Int == 2 && after["size"] as? Int == 2 && (after["contents"] as? [Any])?.count == 2)
            #expect(fixture.matching.index.serviceCount == imported + 2, "matching uses the new directory")
            let ready = try F.json(try await client.execute(uri: "/readyz", method: .get))
            let directory = try #require(ready["directory"] as? [String: Any])
            #expect(directory["services"] as? Int == imported + 2, "what is served, not only the newest import")
            #expect(directory["snapshot_services"] as? Int == imported)

            let housing = try F.json(try await client.execute(uri: "/v1/services?domain=housing&near=41.26,-95.94&radius_km=50", method: .get,
                                                               headers: fixture.headers(.caseworkerA)))
            let hits = try #require(housing["contents"] as? [[String: Any]])
            #expect(!hits.isEmpty)
            let distances = hits.compactMap { $0["distance_km"] as? Double }
            #expect(distances == distances.sorted() && distances.count == hits.count, "nearest first, each with its distance")
        }
    }

    @Test func aBrokenUploadIsReportedAndChangesNothing() async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let upload = try await client.execute(uri: "/v1/directories", method: .post, headers: fixture.headers(.admin),
                                                  body: ByteBuffer(string: "this is not a directory"))
            #expect(upload.status == .unprocessableContent)
            let files = try #require(try F.json(upload)["files"] as? [[String: Any]])
            #expect((files.first?["error"] as? String)?.contains("neither XML nor JSON") == true)
            #expect(fixture.matching.index.serviceCount == 2)
        }
    }

    @Test func anUploadOverTheLimitIsRefused() async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let body = ByteBuffer(repeating: UInt8(ascii: " "), count: 5 * 1_024 * 1_024)
            let upload = try await client.execute(uri: "/v1/directories", method: .post, headers: fixture.headers(.admin), body: body)
            #expect(upload.status == .contentTooLarge)
        }
    }

    @Test(arguments: [
        ("/v1/services?near=north", "near"), ("/v1/services?radius_km=5", "radius_km"), ("/v1/services?domain=food", "domain"),
        ("/v1/services?per_page=0", "per_page"), ("/v1/services?sort=name", "sort"),
        ("/v1/services?near=", "near"), ("/v1/services?near=41.26,-95.94&radius_km=", "radius_km"), ("/v1/services?domain=", "domain"),
    ])
    func aBadSearchNamesTheParameter(_ uri: String, _ field: String) async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let response = try await client.execute(uri: uri, method: .get, headers: fixture.headers(.caseworkerA))
            #expect(response.status == .badRequest)
            #expect(try F.errorField(response) == field)
        }
    }

    @Test func oneServiceOrNotFound() async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let found = try F.json(try await client.execute(uri: "/v1/services/svc-ORG-42", method: .get, headers: fixture.headers(.caseworkerA)))
            #expect(found["organization_id"] as? String == "ORG-42")
            let search = try F.json(try await client.execute(uri: "/v1/services?search=org-7", method: .get, headers: fixture.headers(.caseworkerA)))
            #expect((search["contents"] as? [[String: Any]])?.map { $0["id"] as? String } == ["svc-ORG-7"])
            // As a form sends it: '+' is a space, %2B a plus.
            for query in ["search=Shelter+at+ORG-7", "search=Shelter%20at%20ORG-7"] {
                let found = try F.json(try await client.execute(uri: "/v1/services?\(query)", method: .get, headers: fixture.headers(.caseworkerA)))
                #expect((found["contents"] as? [[String: Any]])?.map { $0["id"] as? String } == ["svc-ORG-7"], "\(query)")
            }
            let plus = try F.json(try await client.execute(uri: "/v1/services?search=Shelter%2Bat", method: .get, headers: fixture.headers(.caseworkerA)))
            #expect((plus["contents"] as? [[String: Any]])?.isEmpty == true)
            let missing = try await client.execute(uri: "/v1/services/svc-nope", method: .get, headers: fixture.headers(.caseworkerA))
            #expect(missing.status == .notFound)
        }
    }

    @Test func theAuditTrailPagesAndVerifies() async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let page = try F.json(try await client.execute(uri: "/v1/audit?limit=2", method: .get, headers: fixture.headers(.admin)))
            #expect((page["records"] as? [Any])?.count == 2)
            let next = try #require(page["next_after"] as? Int)
            let following = try F.json(try await client.execute(uri: "/v1/audit?after=\(next)&limit=2", method: .get, headers: fixture.headers(.admin)))
            #expect(((following["records"] as? [[String: Any]])?.first?["sequence"] as? Int) == next + 1)
            let verdict = try F.json(try await client.execute(uri: "/v1/audit/verify", method: .get, headers: fixture.headers(.admin)))
            #expect(verdict["intact"] as? Bool == true)
        }
    }

    @Test func metricsCountRequestsAndWhatTheStoreHolds() async throws {
        let fixture = try await F.make()
        _ = try await fixture.rig.refer(2)
        try await fixture.test { client in
            _ = try await client.execute(uri: "/v1/referrals", method: .get, headers: fixture.headers(.admin))
            let response = try await client.execute(uri: "/metrics", method: .get, headers: fixture.headers(.admin))
            let text = String(buffer: response.body)
            #expect(response.status == .ok)
            #expect(text.contains(#"trellis_referrals{status="requested"} 2"#))
            #expect(text.contains("trellis_outbox_depth 2"))
            #expect(text.contains("http_server_requests_total{"))
            #expect(text.contains(#"http_route="/v1/referrals""#))
            #expect(text.contains("http_server_request_duration_seconds_bucket"), "\(text)")
        }
    }

    @Test func anUnknownRouteAnswersInTheEnvelope() async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let response = try await client.execute(uri: "/v2/nothing", method: .get)
            #expect(response.status == .notFound)
            #expect((try F.json(response)["error"] as? [String: Any])?["code"] as? String == "not_found")
        }
    }

    @Test func anotherServerOnTheSameDatabasePicksUpAnUpload() async throws {
        let fixture = try await F.make()
        // A second server's matching, on the same database.
        let other = try await MatchingService.load(from: fixture.store, matcher: F.matcher)
        let watcher = DirectoryWatcher(store: fixture.store, matching: other, logger: LoopbackServer.logger)
        #expect(try await watcher.checkNow() == false, "nothing new yet")
        try await fixture.test { client in
            let upload = try await client.execute(uri: "/v1/directories", method: .post, headers: fixture.headers(.admin),
                                                  body: ByteBuffer(data: try Self.sampleHSDS))
            #expect(upload.status == .ok)
            #expect(try await watcher.checkNow() == true)
            #expect(other.index.serviceCount == fixture.matching.index.serviceCount)
            #expect(other.snapshotID == fixture.matching.snapshotID)
        }
    }
}
