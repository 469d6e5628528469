import Foundation
import Testing
import TrellisTestSupport

/// `trellis directory pull` against a real HSDA API on 127.0.0.1 serving the sample county.
@Suite struct DirectoryPullCommandTests {
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-pull-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Waits for the command on a thread of its own: the test server's handlers need the cooperative
    /// pool, which a blocking wait there could fill.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> CLIRunner.Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Swift.Result { try CLIRunner.run(arguments, environment: environment) }) }.start()
        }
    }

    /// On both backends: the pull stores through the store's directory import.
    @Test(arguments: ReferralCommandTests.Backend.allCases)
    func pullStoresTheFeedThenFindsItUnchanged(_ backend: ReferralCommandTests.Backend) async throws {
        let services = try HSDAFeedServer.sampleServices()
        let server = try await HSDAFeedServer.start(services: services)
        defer { server.stop() }
        let w = try ReferralCommandTests.Workspace(backend)
        defer { w.remove() }
        let cache = w.folder.appendingPathComponent("feeds")
        let arguments = ["directory", "pull", "--hsda", server.hsdaURL, "--source", "bc211", "--page-size", "7", "--db", w.db,
                         "--cache", cache.path, "--json"]

        let first = try await Self.run(arguments, environment: w.environment)
        #expect(first.status == 0, "\(first.stderr)")
        let imported = try first.json()
        #expect(imported["outcome"] as? String == "imported")
        #expect(imported["source"] as? String == "bc211")
        #expect(imported["pages"] as? Int == (services.count + 6) / 7)
        let report = try #require(imported["report"] as? [String: Any])
        #expect(report["services"] as? Int == services.count)
        #expect((report["stored"] as? [String: Any])?["services"] as? Int == services.count)
        #expect(FileManager.default.fileExists(atPath: cache.path))

        let second = try await Self.run(arguments, environment: w.environment)
        #expect(second.status == 0)
        #expect(try second.json()["outcome"] as? String == "unchanged")
        #expect(server.notModified == (services.count + 6) / 7)
    }

    @Test func theCacheSitsBesideTheSQLiteDatabase() async throws {
        let server = try await HSDAFeedServer.start(services: Array(try HSDAFeedServer.sampleServices().prefix(3)))
        defer { server.stop() }
        let folder = try Self.folder()
        let result = try await Self.run(["directory", "pull", "--hsda", server.hsdaURL, "--db", folder.appendingPathComponent("t.sqlite").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("stored 3 services from 127.0.0.1"), "the source defaults to the URL's host")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("feeds").path))
    }

    @Test func aFailingFeedIsExitTwoNamingTheURLAndPage() async throws {
        let server = try await HSDAFeedServer.start(services: try HSDAFeedServer.sampleServices())
        defer { server.stop() }
        server.setMode(.failing)
        let folder = try Self.folder()
        let result = try await Self.run(["directory", "pull", "--hsda", server.hsdaURL, "--db", folder.appendingPathComponent("t.sqlite").path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(server.hsdaURL)/services?page=1&per_page=100&full=true (page 1): HTTP 500"), "\(result.stderr)")
        #expect(result.stdout.isEmpty, "piped: no progress, no report")
    }

    @Test func oneOfHSDAOrAIRSIsRequired() throws {
        let result = try CLIRunner.run(["directory", "pull"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("give one of --hsda URL or --airs URL"))
    }
}
