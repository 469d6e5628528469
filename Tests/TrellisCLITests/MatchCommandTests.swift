import Foundation
import Testing

@Suite struct MatchCommandTests {
    static let samples = ["config/directories/riverbend.airs.xml", "config/directories/riverbend.hsds.json"]

    static func match(_ extra: [String], profile: String = "config/profiles/example.json") throws -> CLIRunner.Result {
        try CLIRunner.run(["match", "--profile", profile, "--directory"] + samples + extra)
    }

    @Test func theContractExampleRanksEveryNeedWithReasons() throws {
        let result = try Self.match(["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let outcome = try result.json()
        #expect(outcome["excluded"] is Int)
        let matches = try #require(outcome["matches"] as? [[String: Any]])
        #expect(matches.count == 3)
        for group in matches {
            let need = try #require(group["need"] as? [String: Any])
            #expect(need["domain"] is String && need["urgency"] is String && need.keys.contains("detail"))
            let results = try #require(group["results"] as? [[String: Any]])
            #expect(!results.isEmpty && results.count <= 5)
            for r in results {
                for key in ["service_id", "service_name", "organization_id", "organization", "score", "distance_km", "faith_based", "reasons", "warnings"] {
                    #expect(r.keys.contains(key), "results[].\(key)")
                }
                let reasons = try #require(r["reasons"] as? [[String: Any]])
                #expect(reasons.allSatisfy { $0["code"] is String && $0["text"] is String && $0["weight"] is NSNumber })
            }
            let scores = results.compactMap { ($0["score"] as? NSNumber)?.doubleValue }
            #expect(scores.count == results.count)
        }
        // Housing First leads for a chronically homeless person in active use.
        let housing = try #require(matches[0]["results"] as? [[String: Any]])
        let firstReasons = (housing.first?["reasons"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(firstReasons.contains("housing_first"))
        // IPS leads for supported employment.
        let work = try #require(matches[1]["results"] as? [[String: Any]])
        #expect(((work.first?["reasons"] as? [[String: Any]]) ?? []).contains { $0["code"] as? String == "ips" })
    }

    @Test func serviceIDsAreStableAcrossRuns() throws {
        let a = try Self.match(["--json"]).stdout
        let b = try Self.match(["--json"]).stdout
        #expect(a == b)
        #expect(a.contains("\"service_id\":\"svc-"))
    }

    @Test func limitCapsResults() throws {
        let outcome = try Self.match(["--json", "--limit", "2"]).json()
        let matches = try #require(outcome["matches"] as? [[String: Any]])
        #expect(matches.allSatisfy { ($0["results"] as? [Any])?.count ?? 0 <= 2 })
    }

    @Test func explainNamesTheRuleThatExcludes() throws {
        // The sample county's Sarpy-only service is outside a Douglas County person's area.
        let all = try Self.match(["--json", "--limit", "50"]).json()
        let listed = Set(((all["matches"] as? [[String: Any]]) ?? []).flatMap { ($0["results"] as? [[String: Any]]) ?? [] }.compactMap { $0["service_id"] as? String })
        let validate = try CLIRunner.run(["directory", "import", "--json"] + Self.samples)
        #expect(validate.status == 0)
        // Explain every listed service: none is excluded for the need it is listed under.
        for id in listed.prefix(5) {
            let explained = try Self.match(["--json", "--explain", id]).json()
            #expect(explained["service_id"] as? String == id)
            #expect(explained["needs"] is [[String: Any]])
        }
        let human = try Self.match(["--explain", try #require(listed.first)])
        #expect(human.status == 0)
        #expect(human.stdout.contains("score"))
    }

    @Test func anUnknownServiceToExplainIsAnError() throws {
        let result = try Self.match(["--explain", "svc-0000000000000000"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no service svc-0000000000000000"))
    }

    @Test(arguments: [
        (#""agee": 34"#, "person.agee: unknown field"),
        (#""age": "thirty""#, "person.age: expected a whole number"),
        (#""postal_code": "99999""#, "unknown postal code \"99999\""),
        (#""detail": "shelter""#, "needs[0].detail: \"shelter\" is not a detail of housing"),
    ])
    func anInvalidProfileExitsTwoNamingTheField(replacement: String, message: String) throws {
        var text = try String(contentsOf: CLIRunner.repository.appendingPathComponent("config/profiles/example.json"), encoding: .utf8)
        switch replacement {
        case let r where r.contains("agee"): text = text.replacingOccurrences(of: #""age": 34"#, with: r)
        case let r where r.contains("\"age\""): text = text.replacingOccurrences(of: #""age": 34"#, with: r)
        case let r where r.contains("postal_code"): text = text.replacingOccurrences(of: #""latitude": 41.26, "longitude": -95.94"#, with: r)
        default: text = text.replacingOccurrences(of: #""detail": "emergency_shelter""#, with: replacement)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("profile-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try Self.match([], profile: path)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func aPostalCodeProfileMatches() throws {
        var text = try String(contentsOf: CLIRunner.repository.appendingPathComponent("config/profiles/example.json"), encoding: .utf8)
        text = text.replacingOccurrences(of: #""latitude": 41.26, "longitude": -95.94"#, with: #""postal_code": "68102""#)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("profile-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try Self.match(["--json"], profile: path)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func humanOutputGroupsByNeed() throws {
        let result = try Self.match([])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Housing — emergency shelter (urgent)"))
        #expect(result.stdout.contains("Employment — supported employment (routine)"))
        #expect(result.stdout.contains("excluded by a rule"))
    }
}

@Suite struct NeedsProfileSchemaTests {
    /// The schema is checked by an independent validator (Python jsonschema, installed into
    /// .venv by scripts/test).
    static func validate(_ document: String) throws -> CLIRunner.Result {
        let python = CLIRunner.repository.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "run scripts/test: it installs the schema validator into .venv"])
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("doc-\(UUID().uuidString).json").path
        try document.write(toFile: path, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [CLIRunner.repository.appendingPathComponent("scripts/lib/validate_json_schema.py").path,
                             CLIRunner.repository.appendingPathComponent("schemas/needs-profile.schema.json").path, path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return CLIRunner.Result(status: process.terminationStatus, stdout: text, stderr: "")
    }

    @Test func theSchemaAcceptsTheContractExample() throws {
        let example = try String(contentsOf: CLIRunner.repository.appendingPathComponent("config/profiles/example.json"), encoding: .utf8)
        let result = try Self.validate(example)
        #expect(result.status == 0, "\(result.stdout)")
    }

    @Test(arguments: [#""agee": 34"#, #""age": -1"#])
    func theSchemaRefusesWhatTheDecoderRefuses(replacement: String) throws {
        let example = try String(contentsOf: CLIRunner.repository.appendingPathComponent("config/profiles/example.json"), encoding: .utf8)
        let result = try Self.validate(example.replacingOccurrences(of: #""age": 34"#, with: replacement))
        #expect(result.status == 1, "\(result.stdout)")
    }
}
