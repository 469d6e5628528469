import Foundation
import Testing

@Suite struct DirectoryValidateCommandTests {
    @Test(arguments: [
        (["airs31-namespaced.xml"], 0),
        (["hsds-array.json", "airs30-latin1.xml"], 0),
        (["airs-rejects.xml"], 1),
        (["hsds.ndjson"], 1),
        (["truncated.xml"], 1),
        (["xxe.xml"], 2),
        (["billion-laughs.xml"], 2),
        (["junk.bin"], 2),
        (["wrong-root.xml"], 2),
        (["empty.xml"], 2),
        (["hsds-not-hsds.json"], 2),
        (["airs31-namespaced.xml", "junk.bin"], 2),
        (["airs-rejects.xml", "airs31-namespaced.xml"], 1),
    ] as [([String], Int32)])
    func exitStatusSaysHowTheFilesFared(files: [String], status: Int32) throws {
        let result = try CLIRunner.run(["directory", "validate"] + files.map(CLIRunner.fixture))
        #expect(result.status == status, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
    }

    @Test func aMissingFileIsExitTwo() throws {
        let result = try CLIRunner.run(["directory", "validate", "/nonexistent/file.xml"])
        #expect(result.status == 2)
        #expect(result.stdout.contains("/nonexistent/file.xml: error:"))
    }

    @Test func humanOutputIsOneLinePerProblemThenASummary() throws {
        let path = CLIRunner.fixture("airs-rejects.xml")
        let result = try CLIRunner.run(["directory", "validate", path])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("\(path):27:1: error: ") })
        #expect(lines.contains { $0.hasPrefix("\(path):40:1: error: ") })
        #expect(lines.last?.contains("3 services") == true && lines.last?.contains("2 rejected") == true)
    }

    @Test func jsonReportHasTheAgreedShape() throws {
        let result = try CLIRunner.run(["directory", "validate", "--json", CLIRunner.fixture("airs-rejects.xml"),
                                        CLIRunner.fixture("hsds-quirks.json")])
        #expect(result.status == 1)
        let report = try result.json()
        #expect(report["services"] as? Int == 6)
        #expect(report["rejected"] as? Int == 2)
        #expect((report["warnings"] as? Int ?? 0) >= 4)
        let files = try #require(report["files"] as? [[String: Any]])
        #expect(files.count == 2)
        #expect(files[0]["format"] as? String == "airs" && files[1]["format"] as? String == "hsds")
        for key in ["path", "format", "services", "organizations", "rejected", "warnings"] {
            #expect(files[0][key] != nil, "files[].\(key)")
        }
        let rejected = try #require(files[0]["rejected"] as? [[String: Any]])
        #expect(rejected.map { $0["line"] as? Int } == [27, 40])
        #expect(rejected.allSatisfy { $0["reason"] is String })
        let warnings = try #require(files[1]["warnings"] as? [[String: Any]])
        #expect(warnings.allSatisfy { $0["line"] is Int && $0["message"] is String })
    }

    @Test func strictModeReportsSchemaViolations() throws {
        let xsd = CLIRunner.repository.appendingPathComponent("schemas/airs/airs-3.0.xsd").path
        let valid = try CLIRunner.run(["directory", "validate", "--xsd", xsd, CLIRunner.fixture("airs30-valid.xml")])
        #expect(valid.status == 0)
        let invalid = try CLIRunner.run(["directory", "validate", "--xsd", xsd, "--json", CLIRunner.fixture("airs30-schema-invalid.xml")])
        #expect(invalid.status == 1)
        let files = try #require(try invalid.json()["files"] as? [[String: Any]])
        let violations = try #require(files.first?["schema_violations"] as? [[String: Any]])
        #expect(violations.compactMap { $0["line"] as? Int } == [21, 38, 43, 48])
    }

    @Test func theSampleDirectoriesAreClean() throws {
        let samples = ["config/directories/riverbend.airs.xml", "config/directories/riverbend.hsds.json"]
        let result = try CLIRunner.run(["directory", "validate", "--json"] + samples)
        #expect(result.status == 0, "\(result.stdout)")
        let report = try result.json()
        #expect((report["services"] as? Int ?? 0) >= 60)
        let strict = try CLIRunner.run(["directory", "validate", "--xsd", "schemas/airs/airs-3.1.xsd", samples[0]])
        #expect(strict.status == 0, "\(strict.stdout)")
    }
}

@Suite struct DirectoryImportCommandTests {
    @Test func importCountsEveryDomainAcrossTheSamples() throws {
        let result = try CLIRunner.run(["directory", "import", "--json", "config/directories/riverbend.airs.xml",
                                        "config/directories/riverbend.hsds.json"])
        #expect(result.status == 0)
        let report = try result.json()
        let domains = try #require(report["domains"] as? [String: Int])
        for domain in ["housing", "employment", "faith", "clinical", "peer_support"] {
            #expect((domains[domain] ?? 0) >= 3, "\(domain)")
        }
        #expect(report["files"] is [[String: Any]])
    }

    @Test func importingTheSameFileTwiceMergesIt() throws {
        let file = CLIRunner.fixture("airs31-namespaced.xml")
        let once = try CLIRunner.run(["directory", "import", "--json", file]).json()
        let twice = try CLIRunner.run(["directory", "import", "--json", file, file]).json()
        #expect(once["services"] as? Int == 4)
        #expect(twice["services"] as? Int == 4)
        #expect(twice["duplicates"] as? Int == 4)
    }

    @Test func importOfAnUnreadableFileIsExitTwo() throws {
        #expect(try CLIRunner.run(["directory", "import", CLIRunner.fixture("xxe.xml")]).status == 2)
    }
}

@Suite struct DirectoryStatsCommandTests {
    @Test func statsNameStaleRecordsCapacityAndUnmappedCodes() throws {
        let result = try CLIRunner.run(["directory", "stats", "--json", "config/directories/riverbend.airs.xml",
                                        "config/directories/riverbend.hsds.json", CLIRunner.fixture("airs-icarol-quirks.xml")])
        #expect(result.status == 0)
        let stats = try result.json()
        #expect((stats["services"] as? Int ?? 0) >= 60)
        #expect((stats["stale"] as? Int ?? 0) >= 1)
        #expect((stats["never_verified"] as? Int ?? 0) >= 1)
        #expect((stats["without_capacity"] as? Int ?? 0) >= 1)
        let counties = try #require(stats["counties"] as? [String: [String: Int]])
        #expect(counties.keys.contains { $0.hasPrefix("Douglas") })
        let unmapped = try #require(stats["unmapped_codes"] as? [String: Int])
        #expect(unmapped.keys.contains { $0.hasPrefix("{what:") })
    }

    /// The sample county's AIRS export writes "Douglas" and its HSDS file "Douglas County" in Nebraska: one row each.
    @Test func statsOfTheSampleCountyNameEachCountyOnce() throws {
        let result = try CLIRunner.run(["directory", "stats", "--json", "config/directories/riverbend.airs.xml", "config/directories/riverbend.hsds.json"])
        #expect(result.status == 0)
        let counties = try #require(try result.json()["counties"] as? [String: [String: Int]])
        #expect(Set(counties.keys) == ["Douglas, NE", "Sarpy, NE", "Pottawattamie, IA", "unknown"])
    }

    /// The county table's columns are as wide as the longest domain name: "transportation" is never cut.
    @Test func theCountyTableNamesEveryDomainWhole() throws {
        let result = try CLIRunner.run(["directory", "stats", "config/directories/riverbend.airs.xml"])
        #expect(result.status == 0)
        let header = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("  county") })
        let words = header.split(separator: " ").map(String.init)
        #expect(words == ["county"] + NeedDomainNames.all + ["all"])
    }

    @Test func humanStatsHaveEverySection() throws {
        let result = try CLIRunner.run(["directory", "stats", "config/directories/riverbend.hsds.json"])
        for heading in ["services per need domain", "services per county", "freshness:", "capacity:", "unmapped taxonomy codes"] {
            #expect(result.stdout.contains(heading), "\(heading)")
        }
    }
}

@Suite struct HelpTests {
    @Test(arguments: [["--help"], ["directory", "--help"], ["directory", "validate", "--help"],
                      ["directory", "import", "--help"], ["directory", "stats", "--help"], ["directory", "generate", "--help"]])
    func everyCommandExplainsItself(arguments: [String]) throws {
        let result = try CLIRunner.run(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE:"))
    }
}

@Suite struct DirectoryGenerateCommandTests {
    private func generate(_ arguments: [String]) throws -> (CLIRunner.Result, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("generated-\(UUID().uuidString)").path
        let result = try CLIRunner.run(["directory", "generate"] + arguments + ["--output", path])
        return (result, path)
    }

    @Test(arguments: ["airs", "hsds"])
    func theSameSeedGivesTheSameFileAndItReadsBack(format: String) throws {
        let (first, a) = try generate(["--services", "300", "--format", format, "--seed", "9"])
        let (second, b) = try generate(["--services", "300", "--format", format, "--seed", "9"])
        let (_, c) = try generate(["--services", "300", "--format", format, "--seed", "10"])
        #expect(first.status == 0 && second.status == 0)
        let bytesA = try Data(contentsOf: URL(fileURLWithPath: a))
        #expect(bytesA == (try Data(contentsOf: URL(fileURLWithPath: b))))
        #expect(bytesA != (try Data(contentsOf: URL(fileURLWithPath: c))))
        let report = try CLIRunner.run(["directory", "import", "--json", a])
        let json = try report.json()
        let services = json["services"] as? Int ?? 0
        let rejected = json["rejected"] as? Int ?? 0
        #expect(services + rejected == 300, "every generated record is read back or rejected with a reason")
        #expect(report.status == (rejected > 0 ? 1 : 0))
    }

    @Test func toStandardOutputWhenNoFileIsNamed() throws {
        let result = try CLIRunner.run(["directory", "generate", "--services", "5", "--format", "hsds"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("["))
    }

    @Test(arguments: [["--services", "0", "--format", "airs"], ["--services", "5", "--format", "csv"], ["--format", "airs"]])
    func badArgumentsAreRefused(arguments: [String]) throws {
        let result = try CLIRunner.run(["directory", "generate"] + arguments)
        #expect(result.status != 0)
        #expect(!result.stderr.isEmpty)
    }
}

/// The need domains as the command line prints them (the CLI tests run the binary, not the library).
enum NeedDomainNames {
    static let all = ["housing", "employment", "faith", "clinical", "peer_support", "family_support", "education", "transportation", "benefits"]
}
