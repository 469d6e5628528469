import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
import TrellisServer
import TrellisStore
import TrellisTestSupport

/// A full upload over HTTP: refused when it would empty the source, then withdrawing what the file no
/// longer holds, with the open referral to a withdrawn service flagged in the referrals API.
@Suite struct DirectoryWithdrawalRouteTests {
    typealias F = APIFixture

    @Test func aFullUploadWithdrawsTheSourcesMissingServicesAndFlagsTheirOpenReferrals() async throws {
        let fixture = try await F.make()
        let referral = try await AccessMatrixTests.refer(fixture, by: .caseworkerA, to: "ORG-42")
        let body = ByteBuffer(data: try DirectoryRouteTests.sampleHSDS)
        try await fixture.test { client in
            // The fixture's two services are source "test"; the sample file holds neither: 100 % would go.
            let refused = try await client.execute(uri: "/v1/directories?name=county.json&source=test&replace_source=true", method: .post,
                                                   headers: fixture.headers(.admin), body: body)
            #expect(refused.status == .unprocessableContent)
            let error = try #require(try F.json(refused)["error"] as? [String: Any])
            #expect(error["code"] as? String == "mass_withdrawal")
            #expect((error["message"] as? String)?.contains("withdraw 2 of the 2 services of source test") == true)
            #expect(fixture.matching.index.serviceCount == 2, "nothing changed")

            let upload = try await client.execute(uri: "/v1/directories?name=county.json&source=test&replace_source=true&allow_mass_withdrawal=true",
                                                  method: .post, headers: fixture.headers(.admin), body: body)
            #expect(upload.status == .ok)
            let stored = try #require(try F.json(upload)["stored"] as? [String: Any])
            let imported = try #require(stored["services"] as? Int)
            #expect(stored["withdrawn"] as? Int == 2 && stored["added"] as? Int == imported && stored["unchanged"] as? Int == 0)
            #expect(stored["source"] as? String == "test" && stored["replaced_source"] as? Bool == true)
            #expect(fixture.matching.index.serviceCount == imported, "withdrawn services are never matched")
            let search = try F.json(try await client.execute(uri: "/v1/services?per_page=1", method: .get, headers: fixture.headers(.caseworkerA)))
            #expect(search["total_items"] as? Int == imported, "nor searched")
            // Still readable, for the referral that names it.
            let service = try await client.execute(uri: "/v1/services/svc-ORG-42", method: .get, headers: fixture.headers(.caseworkerA))
            #expect(service.status == .ok)
            let read = try F.json(try await client.execute(uri: "/v1/referrals/\(referral)", method: .get, headers: fixture.headers(.caseworkerA)))
            #expect(read["service_withdrawn"] as? Bool == true && read["id"] as? String == referral)
            let list = try F.json(try await client.execute(uri: "/v1/referrals", method: .get, headers: fixture.headers(.caseworkerA)))
            let row = (list["contents"] as? [[String: Any]])?.first { $0["id"] as? String == referral }
            #expect(row?["service_withdrawn"] as? Bool == true && row?["overdue"] != nil)
        }
    }

    @Test(arguments: [("replace_source=yes", "replace_source"), ("max_withdrawal_share=2", "max_withdrawal_share"),
                      ("source=", "source"), ("allow_mass_withdrawal=1", "allow_mass_withdrawal")])
    func aBadImportParameterIsNamed(_ query: String, _ field: String) async throws {
        let fixture = try await F.make()
        try await fixture.test { client in
            let response = try await client.execute(uri: "/v1/directories?\(query)", method: .post, headers: fixture.headers(.admin),
                                                    body: ByteBuffer(data: try DirectoryRouteTests.sampleHSDS))
            #expect(response.status == .badRequest)
            #expect(try F.errorField(response) == field)
        }
    }
}

/// `GET /v1/reports/equity`: who may read it, whose referrals it counts, and its CSV.
@Suite struct EquityReportRouteTests {
    typealias F = APIFixture

    @Test func supervisorsReadTheirOrganizationsReferralsAsJSONOrCSV() async throws {
        let fixture = try await F.make()
        _ = try await AccessMatrixTests.refer(fixture, by: .caseworkerA, to: "ORG-42")
        _ = try await AccessMatrixTests.refer(fixture, by: .caseworkerB, to: "ORG-7")
        try await fixture.test { client in
            let json = try F.json(try await client.execute(uri: "/v1/reports/equity", method: .get, headers: fixture.headers(.supervisorA)))
            #expect(json["organization_id"] as? String == "ORG-A" && json["minimum_people"] as? Int == 11)
            #expect((json["overall"] as? [String: Any])?["referrals"] as? String == "<11", "one person: suppressed")
            let dimensions = (json["breakdowns"] as? [[String: Any]])?.compactMap { $0["dimension"] as? String }
            #expect(dimensions == EquityReport.dimensions)
            let language = (json["breakdowns"] as? [[String: Any]])?.first { $0["dimension"] as? String == "preferred_language" }
            #expect((language?["rows"] as? [[String: Any]])?.count == 1, "only ORG-A's referral")
            let admin = try F.json(try await client.execute(uri: "/v1/reports/equity?organization=ORG-B", method: .get, headers: fixture.headers(.admin)))
            #expect(admin["organization_id"] as? String == "ORG-B")

            let csv = try await client.execute(uri: "/v1/reports/equity?format=csv", method: .get, headers: fixture.headers(.supervisorA))
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = String(buffer: csv.body).split(separator: "\r\n").map(String.init)
            #expect(lines.first == "dimension,group,referrals,accepted,acceptance_rate,answered,median_hours_to_answer,completed,rejected,failed,cancelled,open")
            #expect(lines.dropFirst().first?.hasPrefix("all,all,<11,<11,,") == true)
            var accept = fixture.headers(.supervisorA)
            accept[.accept] = "text/csv"
            let negotiated = try await client.execute(uri: "/v1/reports/equity", method: .get, headers: accept)
            #expect(negotiated.headers[.contentType] == "text/csv; charset=utf-8")

            let bad = try await client.execute(uri: "/v1/reports/equity?format=xlsx", method: .get, headers: fixture.headers(.supervisorA))
            #expect(bad.status == .badRequest)
            #expect(try F.errorField(bad) == "format")
            let refused = try await client.execute(uri: "/v1/reports/equity", method: .get, headers: fixture.headers(.caseworkerA))
            #expect(refused.status == .forbidden)
        }
    }
}
