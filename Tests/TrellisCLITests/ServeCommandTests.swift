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

        _ = Glibc.kill(serve.process.processIdentifier, SIGTERM)
        // The poller pauses 300 s between rounds: a stop that waited for it would still be running long
        // after this bound, which is only there so a broken build fails instead of hanging (no timing is measured).
        let deadline = Date().addingTimeInterval(60)
        while serve.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!serve.process.isRunning, "still running a minute after SIGTERM: an idle pause holds up the shutdown")
        if serve.process.isRunning { serve.kill() } else { serve.process.waitUntilExit() }
        #expect(serve.process.terminationStatus == 0)
    }
}
