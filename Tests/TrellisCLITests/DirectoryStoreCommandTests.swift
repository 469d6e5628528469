import Foundation
import Testing

/// `directory import --db` stores what it read by reading the files a second time and streaming the
/// merge's copies to the store a page at a time: the same records, the same counts, the later copy kept.
@Suite struct DirectoryStoreCommandTests {
    typealias W = ReferralCommandTests.Workspace

    static func stored(_ result: CLIRunner.Result) throws -> [String: Int] {
        #expect(result.status == 0, "\(result.stderr)")
        let stored = try #require(try result.json()["stored"] as? [String: Any])
        return stored.compactMapValues { $0 as? Int }
    }

    @Test(arguments: ReferralCommandTests.Backend.allCases)
    func theLaterFilesCopyOfARecordIsTheOneStored(_ backend: ReferralCommandTests.Backend) throws {
        let w = try W(backend)
        defer { w.remove() }
        let data = try Data(contentsOf: CLIRunner.repository.appendingPathComponent("config/directories/riverbend.hsds.json"))
        let records = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        // Three records again, renamed: the same source and keys, so the same services.
        let renamed = records.prefix(3).map { record in record.merging(["name": "Renamed \(record["name"] ?? "")"]) { $1 } }
        let all = try w.write("all.json", String(decoding: data, as: UTF8.self))
        let later = try w.write("later.json", String(decoding: try JSONSerialization.data(withJSONObject: renamed), as: UTF8.self))

        let first = try Self.stored(try w.trellis(["directory", "import", all, later, "--json"]))
        #expect(first["services"] == 30 && first["added"] == 30)
        // The renamed copies were stored: the plain file changes exactly those three back.
        let back = try Self.stored(try w.trellis(["directory", "import", later, all, "--json"]))
        #expect(back["services"] == 30 && back["updated"] == 3 && back["unchanged"] == 27, "\(back)")
        let again = try Self.stored(try w.trellis(["directory", "import", all, "--json"]))
        #expect(again["unchanged"] == 30 && again["updated"] == 0 && again["added"] == 0, "\(again)")
    }

    @Test func aDirectoryOfManyPagesIsStoredWholeOnceHoweverOftenItsFilesRepeatIt() throws {
        let w = try W(.sqlite)
        defer { w.remove() }
        let file = w.folder.appendingPathComponent("county.xml").path
        let generated = try CLIRunner.run(["directory", "generate", "--services", "1234", "--format", "airs", "--seed", "3", "--output", file])
        #expect(generated.status == 0, "\(generated.stderr)")
        let read = try CLIRunner.run(["directory", "import", file, "--json"])
        let services = try #require(try read.json()["services"] as? Int)
        #expect(services > 1_000)

        let result = try w.trellis(["directory", "import", file, file, file, "--json"])
        #expect(result.status == read.status, "\(result.stderr)")
        let json = try result.json()
        #expect(json["services"] as? Int == services && json["duplicates"] as? Int == 2 * services)
        let stored = try #require(json["stored"] as? [String: Any])
        #expect(stored["services"] as? Int == services && stored["added"] as? Int == services)
        let stats = try w.trellis(["directory", "stats", "--json"])
        #expect(try stats.json()["services"] as? Int == services, "every service in force, once")
    }
}
