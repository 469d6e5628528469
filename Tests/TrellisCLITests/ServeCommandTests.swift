import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// `trellis serve` as a process: it answers, and SIGTERM stops it promptly and cleanly.
@Suite struct ServeCommandTests {
    @Test func theServiceAnswersAndStopsPromptlyOnSIGTERM() throws {
        var w = try ReferralCommandTests.Workspace(.sqlite)
        defer { w.remove() }
        try w.storeDirectory()
        let serve = try DeliverCommandTests.Running(["serve", "--db", w.db, "--port", "0", "--poll-every", "300"], environment: w.environment)
        let line = serve.firstLine()
        let base = try #require(line.range(of: "http://").map { String(line[$0.lowerBound...]) }, "\(line)")
        let ready = try DeliverCommandTests.get(base + "/readyz")
        #expect(ready["status"] as? String == "ready")

        let asked = Date()
        _ = Glibc.kill(serve.process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while serve.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!serve.process.isRunning, "still running 10 s after SIGTERM")
        if serve.process.isRunning { serve.kill() } else { serve.process.waitUntilExit() }
        #expect(serve.process.terminationStatus == 0)
        #expect(Date().timeIntervalSince(asked) < 5, "idle pauses (the poller's 300 s) do not hold up a shutdown")
    }

    @Test(arguments: [(["--session-idle-minutes", "4"], "--session-idle-minutes is 5 to 720"),
                      (["--session-idle-minutes", "721"], "--session-idle-minutes is 5 to 720"),
                      (["--session-idle-minutes", "many"], "--session-idle-minutes")])
    func anIdleLimitOutsideFiveTo720MinutesIsRefused(_ arguments: [String], _ message: String) throws {
        let w = try ReferralCommandTests.Workspace(.sqlite)
        defer { w.remove() }
        let refused = try w.trellis(["serve", "--port", "0"] + arguments)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains(message), "\(refused.stderr)")
    }

    @Test(arguments: [(4, "serve.session_idle_minutes: 4 is not 5 to 720"), (1_000, "serve.session_idle_minutes: 1000 is not 5 to 720")])
    func theSettingsFileIdleLimitIsCheckedToo(_ minutes: Int, _ message: String) throws {
        let w = try ReferralCommandTests.Workspace(.sqlite)
        defer { w.remove() }
        let config = try SettingsFile.write(#"{"serve": {"session_idle_minutes": \#(minutes)}}"#)
        defer { try? FileManager.default.removeItem(atPath: config) }
        let refused = try w.trellis(["serve", "--port", "0", "--config", config])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains(message), "\(refused.stderr)")
    }
}

/// A settings file for one test.
enum SettingsFile {
    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-settings-\(UUID().uuidString).json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
