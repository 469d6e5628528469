import Foundation
import Testing

/// `directory import --source --replace-source` and `directory stats --db`, through the built executable,
/// on SQLite and on the throwaway PostgreSQL.
@Suite struct DirectoryReplaceCommandTests {
    typealias W = ReferralCommandTests.Workspace

    /// The sample HSDS file with its last `drop` records left out.
    static func sample(in w: W, dropping drop: Int) throws -> String {
        let data = try Data(contentsOf: CLIRunner.repository.appendingPathComponent("config/directories/riverbend.hsds.json"))
        let records = try #require(try JSONSerialization.jsonObject(with: data) as? [Any])
        return try w.write("county-\(drop).json", String(decoding: try JSONSerialization.data(withJSONObject: Array(records.dropLast(drop))), as: UTF8.self))
    }

    @Test(arguments: ReferralCommandTests.Backend.allCases)
    func aFullImportWithdrawsAndATruncatedOneIsRefused(_ backend: ReferralCommandTests.Backend) throws {
        var w = try W(backend)
        defer { w.remove() }
        try w.storeDirectory()

        let truncated = try w.trellis(["directory", "import", try Self.sample(in: w, dropping: 10), "--source", "hsds", "--replace-source"])
        #expect(truncated.status == 1)
        #expect(truncated.stderr.contains("would withdraw 10 of the 30 services of source hsds (more than 20 %)"), "\(truncated.stderr)")
        #expect(truncated.stderr.contains("--allow-mass-withdrawal"))

        let full = try w.trellis(["directory", "import", try Self.sample(in: w, dropping: 2), "--source", "hsds", "--replace-source", "--json"])
        #expect(full.status == 0, "\(full.stderr)")
        let stored = try #require(try full.json()["stored"] as? [String: Any])
        #expect(stored["added"] as? Int == 0 && stored["updated"] as? Int == 0 && stored["unchanged"] as? Int == 28 && stored["withdrawn"] as? Int == 2)
        #expect(stored["source"] as? String == "hsds" && stored["replaced_source"] as? Bool == true)

        let human = try w.trellis(["directory", "import", try Self.sample(in: w, dropping: 10), "--source", "hsds", "--replace-source",
                                   "--max-withdrawal-share", "0.5"])
        #expect(human.status == 0, "\(human.stderr)")
        #expect(human.stdout.contains("0 added, 0 updated, 20 unchanged, 8 withdrawn"), "\(human.stdout)")

        let stats = try w.trellis(["directory", "stats", "--json"])
        #expect(stats.status == 0, "\(stats.stderr)")
        let json = try stats.json()
        #expect(json["services"] as? Int == 20, "the stored services in force")
        let last = try #require(json["last_import"] as? [String: Any])
        #expect((last["changes"] as? [String: Any])?["withdrawn"] as? Int == 8 && last["source"] as? String == "hsds")
        #expect((json["rejected_services"] as? [String: Any])?["more_than"] as? Int == 3)
    }

    @Test(arguments: ReferralCommandTests.Backend.allCases)
    func statsListServicesRejectedForNoCapacityMoreThanNTimes(_ backend: ReferralCommandTests.Backend) throws {
        var w = try W(backend)
        defer { w.remove() }
        try w.storeDirectory()
        for reason in ["no capacity", "no_capacity", "not eligible"] {
            let id = try #require(try w.create()["id"] as? String)
            let rejected = try w.trellis(["referral", "status", id, "rejected", "--as", "agency", "--reason", reason])
            #expect(rejected.status == 0, "\(rejected.stderr)")
        }
        let none = try w.trellis(["directory", "stats", "--json"])
        #expect(((try none.json()["rejected_services"] as? [String: Any])?["organizations"] as? [Any])?.isEmpty == true, "3 is not more than 3")

        let stats = try w.trellis(["directory", "stats", "--json", "--rejections", "2"])
        #expect(stats.status == 0, "\(stats.stderr)")
        let organizations = try #require((try stats.json()["rejected_services"] as? [String: Any])?["organizations"] as? [[String: Any]])
        #expect(organizations.count == 1 && organizations[0]["organization_id"] as? String == w.organizationID)
        let service = try #require((organizations[0]["services"] as? [[String: Any]])?.first)
        #expect(service["service_id"] as? String == w.serviceID)
        #expect(service["no_capacity"] as? Int == 2 && service["not_eligible"] as? Int == 1 && service["total"] as? Int == 3)

        let human = try w.trellis(["directory", "stats", "--rejections", "2"])
        #expect(human.stdout.contains("more than 2 times in 90 days"))
        #expect(human.stdout.contains("(\(w.serviceID)): 2 no capacity, 1 not eligible"), "\(human.stdout)")
    }
}
