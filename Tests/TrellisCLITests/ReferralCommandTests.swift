import Foundation
import Testing
import TrellisCore

/// The referral, consent, audit and report commands, through the built executable, on SQLite and
/// on the throwaway PostgreSQL scripts/test starts.
@Suite struct ReferralCommandTests {
    enum Backend: String, CaseIterable, Sendable { case sqlite, postgres }

    /// A database, its keys and checkpoints in a folder of its own, and a directory stored in it.
    struct Workspace {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        var db: String
        var environment: [String: String]
        var serviceID = ""
        var organizationID = ""

        init(_ backend: Backend) throws {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let settings = folder.appendingPathComponent("trellis.json").path
            try """
            {"audit": {"checkpoint_every": 5, "checkpoint_file": "\(folder.path)/checkpoints.jsonl",
                       "signing_key_file": "\(folder.path)/audit-signing.key"},
             "data_key_file": "\(folder.path)/data.key",
             "referrals": {"response_deadline_business_days": 2, "time_zone": "America/Chicago", "follow_up_days": 10}}
            """.write(toFile: settings, atomically: true, encoding: .utf8)
            environment = ["TRELLIS_CONFIG": settings]
            switch backend {
            case .sqlite:
                db = folder.appendingPathComponent("trellis.sqlite").path
            case .postgres:
                guard let base = ProcessInfo.processInfo.environment["TRELLIS_TEST_POSTGRES_URL"] else {
                    throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "TRELLIS_TEST_POSTGRES_URL is not set: run scripts/test"])
                }
                let schema = "cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
                let made = try CLIRunner.runTool(URL(fileURLWithPath: "/usr/bin/env"), ["psql", base, "-qc", "CREATE SCHEMA \(schema)"])
                guard made.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: made.stderr]) }
                db = base + "?search_path=\(schema)"
            }
        }

        func trellis(_ arguments: [String]) throws -> CLIRunner.Result {
            try CLIRunner.run(arguments + ["--db", db], environment: environment)
        }

        /// Stores the sample HSDS directory and picks the first match for the example profile.
        mutating func storeDirectory() throws {
            let hsds = CLIRunner.repository.appendingPathComponent("config/directories/riverbend.hsds.json").path
            let imported = try trellis(["directory", "import", hsds, "--json"])
            #expect(imported.status == 0, "\(imported.stderr)")
            let stored = try #require(try imported.json()["stored"] as? [String: Any])
            #expect(stored["services"] as? Int == 30)
            let match = try CLIRunner.run(["match", "--profile", "config/profiles/example.json", "--directory", hsds, "--json"])
            let first = try #require(((try match.json()["matches"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])?.first)
            serviceID = try #require(first["service_id"] as? String)
            organizationID = try #require(first["organization_id"] as? String)
            // A referral nobody could receive is refused: the organization gets a partner entry.
            let partners = try write("recipient.json", """
                [{"id": "lantern", "organizations": ["\(organizationID)"], "endpoint": "http://127.0.0.1:9/referrals", "format": "json"}]
                """)
            let added = try trellis(["partner", "add", partners])
            #expect(added.status == 0, "\(added.stderr)")
        }

        func write(_ name: String, _ text: String) throws -> String {
            let path = folder.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        func consent(recipient: String? = nil) throws -> String {
            try write("consent-\(UUID().uuidString).json", """
                {"recipient": "\(recipient ?? organizationID)", "categories": ["contact", "demographics", "needs"],
                 "method": "verbal", "captured_by": "cw-7", "captured_at": "\(Date().addingTimeInterval(-86_400).formatted(.iso8601))",
                 "expires_at": "\(Date().addingTimeInterval(365 * 86_400).formatted(.iso8601))"}
                """)
        }

        func profile() throws -> String {
            let example = try String(contentsOf: CLIRunner.repository.appendingPathComponent("config/profiles/example.json"), encoding: .utf8)
            return try write("profile.json", example.replacingOccurrences(of: #""ref": "P-1042","#,
                                                                          with: #""ref": "P-1042", "name": "Maria Quintero-Vasquez", "phone": "+1-402-555-0199","#))
        }

        func create(_ extra: [String] = []) throws -> [String: Any] {
            let result = try trellis(["referral", "create", "--profile", try profile(), "--service", serviceID, "--consent", try consent(),
                                      "--by", "cw-7", "--json"] + extra)
            #expect(result.status == 0, "\(result.stderr)")
            return try result.json()
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    @Test(arguments: Backend.allCases)
    func aReferralIsCreatedMovedShownListedAndAudited(_ backend: Backend) throws {
        var w = try Workspace(backend)
        defer { w.remove() }
        try w.storeDirectory()

        let created = try w.create()
        let id = try #require(created["id"] as? String)
        #expect(id.hasPrefix("ref-"))
        #expect(created["status"] as? String == "requested")
        #expect(created["service_id"] as? String == w.serviceID)
        #expect(created["organization_id"] as? String == w.organizationID)
        #expect(created["overdue"] as? Bool == false)
        #expect(created["respond_by"] is String)

        // Not the referrer's move, no reason, not a legal move: exit 1, nothing changes.
        for (arguments, message) in [(["accepted", "--as", "referrer"], "only the receiving agency"),
                                     (["rejected", "--as", "agency"], "a reason is required"),
                                     (["completed", "--as", "agency"], "cannot become completed")] {
            let refused = try w.trellis(["referral", "status", id] + arguments)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains(message), "\(refused.stderr)")
        }
        let accepted = try w.trellis(["referral", "status", id, "accepted", "--as", "agency", "--by", "partner:lantern", "--json"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(try accepted.json()["status"] as? String == "accepted")
        let stale = try w.trellis(["referral", "status", id, "in-progress", "--as", "agency", "--if-version", "1"])
        #expect(stale.status == 1 && stale.stderr.contains("changed while you were working on it"))
        #expect(try w.trellis(["referral", "status", id, "on-hold", "--as", "agency", "--reason", "waiting for ID"]).status == 0)

        let shown = try w.trellis(["referral", "show", id, "--json"])
        #expect(shown.status == 0)
        let history = try #require(try shown.json()["history"] as? [[String: Any]])
        #expect(history.map { $0["to"] as? String } == ["requested", "accepted", "on-hold"])
        #expect(history.last?["reason"] as? String == "waiting for ID")
        #expect(history[1]["actor"] as? String == "partner:lantern")
        let delivery = try #require(try shown.json()["delivery"] as? [String: Any])
        #expect(delivery["state"] as? String == "pending")

        let listed = try w.trellis(["referral", "list", "--status", "on-hold", "--json"])
        #expect((try listed.json()["referrals"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
        #expect(try w.trellis(["referral", "list", "--overdue", "--json"]).json()["count"] as? Int == 0)
        #expect(try w.trellis(["referral", "show", "ref-missing", "--json"]).status == 2)

        let report = try w.trellis(["report", "--json"])
        #expect(report.status == 0)
        let overall = try #require(try report.json()["overall"] as? [String: Any])
        #expect(overall["sent"] as? Int == 1 && overall["accepted"] as? Int == 1)

        let verified = try w.trellis(["audit", "verify"])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.contains("audit chain intact"))
    }

    @Test(arguments: Backend.allCases)
    func revokingConsentCancelsAnUndeliveredReferral(_ backend: Backend) throws {
        var w = try Workspace(backend)
        defer { w.remove() }
        try w.storeDirectory()
        let id = try #require(try w.create()["id"] as? String)
        let revoked = try w.trellis(["consent", "revoke", id, "--json"])
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(try revoked.json()["cancelled"] as? [String] == [id])
        let shown = try w.trellis(["referral", "show", id, "--json"])
        #expect(try shown.json()["status"] as? String == "cancelled")
        #expect(try w.trellis(["consent", "revoke", id]).status == 1)
    }

    /// The agency's outcome and contact attempts from the command line; the follow-up day counts the
    /// configured `referrals.follow_up_days` in the county's calendar.
    @Test(arguments: Backend.allCases)
    func anOutcomeAndContactAttemptsAreRecordedFromTheCommandLine(_ backend: Backend) throws {
        var w = try Workspace(backend)
        defer { w.remove() }
        try w.storeDirectory()
        let id = try #require(try w.create()["id"] as? String)
        #expect(try w.trellis(["referral", "status", id, "accepted", "--as", "agency"]).status == 0)
        for _ in 0..<2 {
            let attempt = try w.trellis(["referral", "status", id, "in-progress", "--as", "agency", "--contact-attempted", "--json"])
            #expect(attempt.status == 0, "\(attempt.stderr)")
        }
        let unknown = try w.trellis(["referral", "status", id, "completed", "--as", "agency", "--outcome", "bogus"])
        #expect(unknown.status != 0 && unknown.stderr.contains("bogus"), "\(unknown.stderr)")
        let mismatched = try w.trellis(["referral", "status", id, "completed", "--as", "agency", "--outcome", "no_capacity"])
        #expect(mismatched.status == 1 && mismatched.stderr.contains("no_capacity is not an outcome of completed"), "\(mismatched.stderr)")
        let done = try w.trellis(["referral", "status", id, "completed", "--as", "agency", "--outcome", "service_started",
                                  "--outcome-text", "first session booked", "--json"])
        #expect(done.status == 0, "\(done.stderr)")
        let shown = try w.trellis(["referral", "show", id, "--json"]).json()
        #expect(shown["contact_attempts"] as? Int == 2)
        #expect(shown["outcome"] as? [String: String] == ["code": "service_started", "text": "first session booked"])
        let history = try #require(shown["history"] as? [[String: Any]])
        let completedAt = try #require((history.last?["at"] as? String).flatMap { try? Date($0, strategy: .iso8601) })
        let chicago = BusinessCalendar(timeZone: try #require(TimeZone(identifier: "America/Chicago")))
        #expect(shown["follow_up_on"] as? String == chicago.day(of: completedAt).adding(days: 10).description)
        let text = try w.trellis(["referral", "show", id]).stdout
        #expect(text.contains("outcome: Service started: first session booked") && text.contains("contact attempted 2×"), "\(text)")
        #expect(text.contains("[contact attempted]"), "\(text)")
    }

    @Test func aFollowUpPeriodOutsideItsRangeIsRefusedByName() throws {
        var w = try Workspace(.sqlite)
        defer { w.remove() }
        w.environment["TRELLIS_CONFIG"] = try w.write("bad.json", #"{"referrals": {"follow_up_days": 0}}"#)
        let refused = try w.trellis(["referral", "list", "--json"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("referrals.follow_up_days"), "\(refused.stderr)")
    }

    @Test func aConsentForAnotherOrganizationIsRefused() throws {
        var w = try Workspace(.sqlite)
        defer { w.remove() }
        try w.storeDirectory()
        let result = try w.trellis(["referral", "create", "--profile", try w.profile(), "--service", w.serviceID,
                                    "--consent", try w.consent(recipient: "ORG-ELSEWHERE"), "--json"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("the consent names ORG-ELSEWHERE"))
        let draft = try w.create(["--draft"])
        #expect(draft["status"] as? String == "draft" && draft["respond_by"] == nil)
    }

    @Test func theDatabaseHoldsNoNameAndTheExportIsValidFHIR() throws {
        var w = try Workspace(.sqlite)
        defer { w.remove() }
        try w.storeDirectory()
        let id = try #require(try w.create()["id"] as? String)
        _ = try w.trellis(["referral", "show", id])
        for suffix in ["", "-wal"] {
            let bytes = FileManager.default.contents(atPath: w.db + suffix) ?? Data()
            #expect(bytes.range(of: Data("Quintero".utf8)) == nil)
        }
        let export = try w.trellis(["audit", "export", "--format", "fhir"])
        #expect(export.status == 0)
        let lines = export.stdout.split(separator: "\n")
        #expect(lines.count == 6)  // import, the recipient partner, person, consent, referral, the read by show
        let path = try w.write("audit.jsonl", export.stdout)
        let python = CLIRunner.repository.appendingPathComponent(".venv/bin/python")
        let checked = try CLIRunner.runTool(python, [CLIRunner.repository.appendingPathComponent("scripts/lib/validate_fhir.py").path, path, "AuditEvent"])
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        #expect(checked.stdout.split(separator: "\n").last == "valid \(lines.count)", "\(checked.stdout)")
    }

    @Test func tamperingFoundByVerifyNamesTheRecord() throws {
        var w = try Workspace(.sqlite)
        defer { w.remove() }
        try w.storeDirectory()
        for _ in 0..<3 { _ = try w.create() }
        #expect(try w.trellis(["audit", "verify", "--json"]).json()["intact"] as? Bool == true)
        let python = URL(fileURLWithPath: "/usr/bin/env")
        let script = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.executescript("DROP TRIGGER audit_event_no_update; UPDATE audit_event SET actor = 'someone-else' WHERE sequence = 4;")
            db.commit()
            """
        let tampered = try CLIRunner.runTool(python, ["python3", "-c", script, w.db])
        #expect(tampered.status == 0, "\(tampered.stderr)")
        let verdict = try w.trellis(["audit", "verify", "--json"])
        #expect(verdict.status == 1)
        #expect(try verdict.json()["sequence"] as? Int == 4)
        let human = try w.trellis(["audit", "verify", "--checkpoints", w.folder.appendingPathComponent("checkpoints.jsonl").path])
        #expect(human.status == 1 && human.stdout.contains("record 4"))
    }
}
