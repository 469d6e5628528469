import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// `trellis deliver`, `trellis partner` and `trellis partner-sim`, as processes, talking over 127.0.0.1.
@Suite struct DeliverCommandTests {
    typealias Workspace = ReferralCommandTests.Workspace
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    /// A `trellis` process left running, stopped (SIGTERM) or killed (SIGKILL) by the test.
    final class Running: @unchecked Sendable {
        let process = Process()
        private let out = Pipe()

        init(_ arguments: [String], environment: [String: String] = [:]) throws {
            process.executableURL = CLIRunner.executable
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.currentDirectoryURL = CLIRunner.repository
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        /// The first line the process prints.
        func firstLine() -> String {
            var bytes = Data()
            while true {
                let byte = out.fileHandleForReading.readData(ofLength: 1)
                if byte.isEmpty || byte == Data("\n".utf8) { break }
                bytes.append(byte)
            }
            return String(decoding: bytes, as: UTF8.self)
        }

        func kill() {
            _ = Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        func stop() {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
    }

    /// A partner simulator on a free port; its base URL.
    static func simulator(_ extra: [String] = []) throws -> (Running, String) {
        let sim = try Running(["partner-sim", "--port", "0", "--secret", secret] + extra)
        let line = sim.firstLine()
        guard let range = line.range(of: "http://") else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: line]) }
        return (sim, String(line[range.lowerBound...]).replacingOccurrences(of: "/referrals", with: ""))
    }

    static func get(_ url: String) throws -> [String: Any] {
        let result = try CLIRunner.runTool(URL(fileURLWithPath: "/usr/bin/env"), ["curl", "-sS", url])
        return try result.json()
    }

    static func partners(_ w: Workspace, endpoint: String, name: String = "partners.json") throws -> String {
        try w.write(name, """
            [{"id": "lantern", "organizations": ["\(w.organizationID)"], "endpoint": "\(endpoint)", "format": "fhir-r4",
              "signing_secrets": ["\(secret)"], "status_mode": "callback"}]
            """)
    }

    @Test(arguments: ReferralCommandTests.Backend.allCases)
    func deliverOnceSendsEachReferralAndShowsItDelivered(_ backend: ReferralCommandTests.Backend) throws {
        var w = try Workspace(backend)
        defer { w.remove() }
        try w.storeDirectory()
        let ids = try (0..<3).map { _ in try #require(try w.create()["id"] as? String) }
        let (sim, base) = try Self.simulator()
        defer { sim.stop() }

        let delivered = try w.trellis(["deliver", "--once", "--partners", try Self.partners(w, endpoint: base + "/referrals"), "--json"])
        #expect(delivered.status == 0, "\(delivered.stderr)")
        let tally = try delivered.json()
        #expect(tally["delivered"] as? Int == 3 && tally["attempts"] as? Int == 3 && tally["waiting"] as? Bool == false)
        for id in ids {
            let delivery = try #require(try w.trellis(["referral", "show", id, "--json"]).json()["delivery"] as? [String: Any])
            #expect(delivery["state"] as? String == "delivered")
        }
        #expect(try Self.get(base + "/stats")["received"] as? Int == 3)
        // The partners file was stored too.
        let listed = try w.trellis(["partner", "list", "--json"])
        let partner = try #require((try listed.json()["partners"] as? [[String: Any]])?.first)
        #expect(partner["id"] as? String == "lantern" && partner["signing_secrets"] as? Int == 1)
        #expect(!listed.stdout.contains("whsec_"), "secrets are never printed")
        #expect(try w.trellis(["audit", "verify"]).status == 0)
    }

    /// At least once: a worker killed while a partner holds its request loses nothing. After the
    /// lease runs out, the next worker sends the referral again with the same Idempotency-Key.
    @Test func aWorkerKilledMidDeliveryLosesNothing() throws {
        var w = try Workspace(.sqlite)
        defer { w.remove() }
        try w.storeDirectory()
        let id = try #require(try w.create()["id"] as? String)
        let (slow, slowBase) = try Self.simulator(["--delay", "30"])
        defer { slow.kill() }  // a graceful stop would wait out the request it holds

        let worker = try Running(["deliver", "--db", w.db, "--partners", try Self.partners(w, endpoint: slowBase + "/referrals"), "--lease", "1"],
                                 environment: w.environment)
        var first: [[String: Any]] = []
        for _ in 0..<100 where first.isEmpty {
            Thread.sleep(forTimeInterval: 0.1)
            first = try Self.get(slowBase + "/receipts")["receipts"] as? [[String: Any]] ?? []
        }
        let key = try #require(first.first?["idempotency_key"] as? String, "the slow partner received the referral")
        worker.kill()
        let claimed = try #require(try w.trellis(["referral", "show", id, "--json"]).json()["delivery"] as? [String: Any])
        #expect(claimed["state"] as? String == "claimed")

        let (sim, base) = try Self.simulator()
        defer { sim.stop() }
        let again = try w.trellis(["deliver", "--once", "--max-wait", "5", "--lease", "1",
                                   "--partners", try Self.partners(w, endpoint: base + "/referrals", name: "partners-2.json"), "--json"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try again.json()["delivered"] as? Int == 1)
        let second = try #require((try Self.get(base + "/receipts")["receipts"] as? [[String: Any]])?.first)
        #expect(second["idempotency_key"] as? String == key)
        #expect(second["referral_id"] as? String == id)
        let delivery = try #require(try w.trellis(["referral", "show", id, "--json"]).json()["delivery"] as? [String: Any])
        #expect(delivery["state"] as? String == "delivered")
        #expect(try w.trellis(["audit", "verify"]).status == 0)
    }

    @Test func aReferralWithoutAPartnerFailsVisiblyAndIsSentAgainByHand() throws {
        var w = try Workspace(.sqlite)
        defer { w.remove() }
        try w.storeDirectory()
        let id = try #require(try w.create()["id"] as? String)
        let empty = try w.write("none.json", "[]")
        let failed = try w.trellis(["deliver", "--once", "--partners", empty])
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("failed 1"))
        let shown = try w.trellis(["referral", "show", id])
        #expect(shown.stdout.contains("delivery: failed"), "\(shown.stdout)")
        #expect(shown.stdout.contains("no partner answers for organization \(w.organizationID)"))

        let (sim, base) = try Self.simulator()
        defer { sim.stop() }
        let added = try w.trellis(["partner", "add", try Self.partners(w, endpoint: base + "/referrals")])
        #expect(added.status == 0 && added.stdout.contains("stored 1 partner: lantern"), "\(added.stderr)")
        let retried = try w.trellis(["deliver", "retry", id, "--by", "cw-7"])
        #expect(retried.status == 0, "\(retried.stderr)")
        #expect(retried.stdout.contains("delivery pending"))
        let delivered = try w.trellis(["deliver", "--once", "--json"])
        #expect(try delivered.json()["delivered"] as? Int == 1, "\(delivered.stdout)\(delivered.stderr)")
        #expect(try w.trellis(["deliver", "retry", id]).status == 1, "a delivered referral is not sent again")

        let removed = try w.trellis(["partner", "remove", "lantern"])
        #expect(removed.status == 0 && removed.stdout.contains("removed partner lantern"), "\(removed.stderr)")
        #expect((try w.trellis(["partner", "list", "--json"]).json()["partners"] as? [Any])?.isEmpty == true)
        #expect(try w.trellis(["partner", "remove", "lantern"]).status == 2)
    }

    @Test(arguments: [
        (#"[{"id": "x", "organizations": ["ORG-1"], "endpoint": "http://partner.example.org/in"}]"#, "partner 1 (x): endpoint: the endpoint must use https"),
        (#"[{"id": "x", "organizations": ["ORG-1"], "endpoint": "ftp://127.0.0.1/in"}]"#, "must use https, not ftp"),
        (#"[{"id": "x", "organizations": [], "endpoint": "https://a.example/in"}]"#, "name at least one organization"),
        (#"[{"id": "x", "organizations": ["O"], "endpoint": "https://a.example/in", "colour": "red"}]"#, "colour: unknown field"),
        (#"{"partners": 3}"#, "expected an array of partners"),
        (#"[{"id": "a", "organizations": ["O"], "endpoint": "https://a.example"}, {"id": "b", "organizations": ["O"], "endpoint": "https://b.example"}]"#,
         "organization O is claimed by both a and b"),
        ("[{", "not valid JSON"),
    ])
    func aBadPartnersFileIsRefusedNamingFileAndEntry(_ text: String, _ message: String) throws {
        let w = try Workspace(.sqlite)
        defer { w.remove() }
        let file = try w.write("partners.json", text)
        let result = try w.trellis(["partner", "add", file])
        #expect(result.status == 1)
        #expect(result.stderr.contains(file), "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
