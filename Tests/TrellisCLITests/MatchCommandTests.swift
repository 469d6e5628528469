import Foundation
import Testing

@Suite struct MatchCommandTests {
    static let samples = ["config/directories/riverbend.airs.xml", "config/directories/riverbend.hsds.json"]
    /// Freshness counts from the day matching runs: the sample county's rankings are read as of a fixed day.
    static let asOf = "2026-12-02"

    static func match(_ extra: [String], profile: String = "config/profiles/example.json") throws -> CLIRunner.Result {
        try CLIRunner.run(["match", "--profile", profile, "--as-of", asOf, "--directory"] + samples + extra)
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

    /// config/profiles/family-access.json: a new domain, an access need and the trauma-informed preference.
    @Test func theNewDomainsAndAnAccessNeedRankAsTheRulesSay() throws {
        let result = try Self.match(["--json"], profile: "config/profiles/family-access.json")
        #expect(result.status == 0, "\(result.stderr)")
        let matches = try #require(try result.json()["matches"] as? [[String: Any]])
        let family = try #require(matches[0]["results"] as? [[String: Any]])
        let first = try #require(family.first)
        #expect(first["service_name"] as? String == "Family Caregiver Support Group")
        let codes = (first["reasons"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(codes.contains("accessibility_met") && codes.contains("preference_match"))
        // The GED classes are up a flight of stairs: left out for a person who needs wheelchair access.
        let education = (matches[1]["results"] as? [[String: Any]] ?? []).compactMap { $0["service_name"] as? String }
        #expect(!education.contains("Adult Literacy and GED Classes"))
        let text = try Self.match([], profile: "config/profiles/family-access.json").stdout
        #expect(text.contains("States wheelchair access, as the person needs"))
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

    /// Services of the sample county that the example person cannot use, and the rule that says so
    /// (their ids are stable: derived from the directory and the record's own key).
    @Test(arguments: [
        ("svc-d4cf0694580f807e", "Sarpy County Emergency Shelter", "housing", "outside_area_served"),
        ("svc-d4cf0594580f7ecb", "Older Adult Counseling", "clinical", "age_below_minimum"),
        ("svc-d4cf0494580f7d18", "Veterans Transitional Shelter", "housing", "veterans_only"),
        ("svc-54468193e260cdd1", "Brotherhood Men's Shelter", "housing", "gender_not_served"),
        ("svc-a2f159bbb7823e55", "Downtown Winter Warming Center", "housing", "inactive"),
        ("svc-d4d28b9458129854", "Winter Overflow Beds", "housing", "not_available_for_referral"),
    ])
    func explainNamesTheRuleThatExcludes(id: String, name: String, domain: String, rule: String) throws {
        let explained = try Self.match(["--json", "--explain", id])
        #expect(explained.status == 0, "\(explained.stderr)")
        let json = try explained.json()
        #expect(json["service_id"] as? String == id && json["service_name"] as? String == name)
        let forNeed = try #require((json["needs"] as? [[String: Any]])?.first { ($0["need"] as? [String: Any])?["domain"] as? String == domain })
        #expect(forNeed["offers_this_need"] as? Bool == true)
        #expect((forNeed["excluded_by"] as? [String: Any])?["code"] as? String == rule, "\(name)")
        #expect(((forNeed["excluded_by"] as? [String: Any])?["text"] as? String)?.isEmpty == false, "the rule is said in words too")
        #expect(forNeed["score"] == nil, "an excluded service has no score")
        let human = try Self.match(["--explain", id])
        #expect(human.status == 0)
        #expect(human.stdout.split(separator: "\n").contains { $0.hasPrefix("  excluded: ") && $0.hasSuffix("[\(rule)]") }, "\(human.stdout)")
    }

    @Test func aListedServiceIsNotExcludedForTheNeedItIsListedUnder() throws {
        let all = try Self.match(["--json", "--limit", "50"]).json()
        let groups = try #require(all["matches"] as? [[String: Any]])
        var explained = 0
        for group in groups {
            let domain = try #require((group["need"] as? [String: Any])?["domain"] as? String)
            for result in (group["results"] as? [[String: Any]] ?? []).prefix(2) {
                let id = try #require(result["service_id"] as? String)
                let json = try Self.match(["--json", "--explain", id]).json()
                let forNeed = try #require((json["needs"] as? [[String: Any]])?.first { ($0["need"] as? [String: Any])?["domain"] as? String == domain })
                #expect(forNeed["excluded_by"] == nil, "\(id) is listed for \(domain)")
                #expect(forNeed["score"] is NSNumber, "\(id) has a score for \(domain)")
                explained += 1
            }
        }
        #expect(explained >= 3)
    }

    @Test func asOfMovesTheDayFreshnessIsCountedFrom() throws {
        let ranked = try Self.match(["--json"]).json()
        let first = try #require(((ranked["matches"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])?.first)
        let id = try #require(first["service_id"] as? String)
        /// The codes of the factors and warnings that explain `id` as of `day`.
        func codes(_ day: String) throws -> Set<String> {
            let json = try CLIRunner.run(["match", "--profile", "config/profiles/example.json", "--as-of", day, "--directory"] + Self.samples
                                         + ["--json", "--explain", id]).json()
            let needs = json["needs"] as? [[String: Any]] ?? []
            return Set(needs.flatMap { need in
                ((need["breakdown"] as? [[String: Any]] ?? []) + (need["warnings"] as? [[String: Any]] ?? [])).compactMap { $0["code"] as? String }
            })
        }
        #expect(!(try codes(Self.asOf)).contains("stale"), "\(id) was verified recently as of \(Self.asOf)")
        #expect(try codes("2031-01-01").contains("stale"), "four years on, \(id) is stale")
        let bad = try CLIRunner.run(["match", "--profile", "config/profiles/example.json", "--as-of", "2026-13-01", "--directory"] + Self.samples)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--as-of: expected a day as YYYY-MM-DD"))
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
