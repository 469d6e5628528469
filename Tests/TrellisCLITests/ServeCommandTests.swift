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
}
