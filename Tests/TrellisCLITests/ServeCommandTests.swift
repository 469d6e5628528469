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

    /// The response headers of a GET, as curl prints them (lower-cased names).
    static func headers(_ url: String, _ extra: [String] = []) throws -> [String] {
        let result = try CLIRunner.runTool(URL(fileURLWithPath: "/usr/bin/env"), ["curl", "-sS", "-o", "/dev/null", "-D", "-"] + extra + [url])
        return result.stdout.split(separator: "\r\n").map { $0.lowercased() }
    }

    @Test func sessionCookiesAreSecureUnlessInsecureCookiesIsAskedOnLoopback() throws {
        var w = try ReferralCommandTests.Workspace(.sqlite)
        defer { w.remove() }
        try w.storeDirectory()
        let web = CLIRunner.repository.appendingPathComponent("web").path
        for (extra, secure) in [([String](), true), (["--insecure-cookies"], false)] {
            let serve = try DeliverCommandTests.Running(["serve", "--db", w.db, "--port", "0", "--no-delivery", "--web", web] + extra,
                                                        environment: w.environment)
            defer { serve.stop() }
            let line = serve.firstLine()
            let base = try #require(line.range(of: "http://").map { String(line[$0.lowerBound...]) }, "\(line)")
            let cookie = try #require(try Self.headers(base + "/sign-in").first { $0.hasPrefix("set-cookie: trellis_signin=") })
            #expect(cookie.contains("; secure") == secure, "\(extra): \(cookie)")
        }
        let refused = try CLIRunner.run(["serve", "--db", w.db, "--host", "0.0.0.0", "--port", "0", "--insecure-cookies"], environment: w.environment)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("loopback"), "\(refused.stderr)")
        let badProxy = try CLIRunner.run(["serve", "--db", w.db, "--port", "0", "--trusted-proxy", "proxy.example"], environment: w.environment)
        #expect(badProxy.status != 0)
        #expect(badProxy.stderr.contains("proxy.example is not an IP address"), "\(badProxy.stderr)")
    }

    @Test func metricsNeedAnAdministratorsTokenExceptOnTheLoopbackMetricsPort() throws {
        var w = try ReferralCommandTests.Workspace(.sqlite)
        defer { w.remove() }
        try w.storeDirectory()
        let serve = try DeliverCommandTests.Running(["serve", "--db", w.db, "--port", "0", "--no-delivery", "--metrics-port", "0"],
                                                    environment: w.environment)
        defer { serve.stop() }
        let lines = [serve.firstLine(), serve.firstLine()]
        func url(after marker: String) throws -> String {
            let line = try #require(lines.first { $0.contains(marker) }, "\(lines)")
            return try #require(line.range(of: "http://").map { String(line[$0.lowerBound...]) })
        }
        let base = try url(after: "listening on")
        let metrics = try url(after: "metrics on")
        #expect(metrics.hasPrefix("http://127.0.0.1:") && metrics.hasSuffix("/metrics"))
        #expect(try Self.headers(base + "/metrics").first?.hasPrefix("http/1.1 401") == true)
        #expect(try Self.headers(metrics).first?.hasPrefix("http/1.1 200") == true)
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
