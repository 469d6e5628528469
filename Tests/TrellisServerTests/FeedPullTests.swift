import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TrellisCore
import TrellisDelivery
import TrellisDirectory
import TrellisMatching
import TrellisServer
import TrellisStore
import TrellisTestSupport

/// Pulled feeds against a real HSDA API on 127.0.0.1 serving the sample county: paging, the ETag
/// cache, failures that keep the last good directory, and the schedule swapping matching.
@Suite struct FeedPullTests {
    /// A store with the rig's two services, matching over it, and a puller with its cache in the rig's folder.
    struct Rig {
        let rig: DeliveryRig
        let matching: MatchingService
        let pull: FeedPull
        let client: CurlClient

        static func make() async throws -> Rig {
            let rig = try await DeliveryRig.make()
            let taxonomy = try TaxonomyMap(json: Data(contentsOf: DeliveryFixtures.repository.appendingPathComponent("config/taxonomy-map.json")))
            let client = CurlClient(concurrency: 1)
            let fetcher = FeedFetcher(client: client, cache: FeedCache(folder: rig.folder.appendingPathComponent("feeds")))
            return Rig(rig: rig, matching: try await MatchingService.load(from: rig.store, matcher: APIFixture.matcher),
                       pull: FeedPull(fetcher: fetcher, reader: DirectoryReader(taxonomy: taxonomy)), client: client)
        }

        func run(_ feed: DirectoryFeed) async throws -> FeedPull.Outcome {
            try await pull.run(feed, store: rig.store, matching: matching, context: AuditContext(actor: "feed:test", purpose: "operations"))
        }

        func close() async {
            try? await client.shutdown()
            await rig.close()
        }
    }

    static func hsda(_ server: HSDAFeedServer, pageSize: Int = 4, every: Duration? = nil) throws -> DirectoryFeed {
        DirectoryFeed(kind: .hsda, url: try DirectoryFeed.checkedURL(server.hsdaURL), source: "riverbend-hsda", every: every, pageSize: pageSize)
    }

    static func pages(_ services: Int, of size: Int) -> Int { (services + size - 1) / size }

    @Test func aFullPullImportsEveryServiceOfEveryPage() async throws {
        let services = try HSDAFeedServer.sampleServices()
        let server = try await HSDAFeedServer.start(services: services)
        let rig = try await Rig.make()
        defer { server.stop() }
        let outcome = try await rig.run(try Self.hsda(server))
        guard case .imported(let report, let snapshot) = outcome else { Issue.record("nothing imported: \(outcome)"); return }
        #expect(report.services == services.count)
        #expect(report.rejected == 0)
        #expect(server.served == Self.pages(services.count, of: 4), "one request per page")
        #expect(server.withoutFull == 0, "every page asks for full records")
        #expect(snapshot.files == ["riverbend-hsda \(server.hsdaURL)"], "the snapshot names the feed's source and URL")
        #expect(try await rig.rig.store.storedServices().count == services.count + 2)
        #expect(rig.matching.index.serviceCount == services.count + 2, "matching uses the pulled directory at once")
        await rig.close()
    }

    @Test func aSecondPullGets304AndChangesNothing() async throws {
        let services = try HSDAFeedServer.sampleServices()
        let server = try await HSDAFeedServer.start(services: services)
        let rig = try await Rig.make()
        defer { server.stop() }
        let feed = try Self.hsda(server)
        _ = try await rig.run(feed)
        let first = try await rig.rig.store.latestSnapshot()
        let outcome = try await rig.run(feed)
        guard case .unchanged(let pages) = outcome else { Issue.record("expected no change: \(outcome)"); return }
        #expect(pages == Self.pages(services.count, of: 4))
        #expect(server.notModified == pages, "every page answered 304")
        #expect(server.served == pages, "no page was sent twice")
        #expect(try await rig.rig.store.latestSnapshot()?.id == first?.id, "nothing was stored again")
        await rig.close()
    }

    @Test func anotherSourceOfTheSameURLIsFetchedWhole() async throws {
        let services = try HSDAFeedServer.sampleServices()
        let server = try await HSDAFeedServer.start(services: services)
        let rig = try await Rig.make()
        defer { server.stop() }
        _ = try await rig.run(try Self.hsda(server))
        var renamed = try Self.hsda(server)
        renamed.source = "county-211"
        guard case .imported(let report, let snapshot) = try await rig.run(renamed) else { Issue.record("the new source was not imported"); return }
        #expect(report.services == services.count)
        #expect(snapshot.files == ["county-211 \(server.hsdaURL)"])
        #expect(server.notModified == 0)
        await rig.close()
    }

    @Test func aFailingFeedKeepsTheLastGoodDirectoryAndSaysWhy() async throws {
        let services = try HSDAFeedServer.sampleServices()
        let server = try await HSDAFeedServer.start(services: Array(services.prefix(10)))
        let rig = try await Rig.make()
        defer { server.stop() }
        let feed = try Self.hsda(server)
        let board = FeedStatusBoard(feeds: [feed])
        let scheduler = FeedScheduler(feeds: [feed], pull: rig.pull, store: rig.rig.store, matching: rig.matching, board: board,
                                      logger: LoopbackServer.logger)
        await scheduler.pullOnce(feed)
        let good = try #require(board.entry(for: feed))
        #expect(good.state == "ok" && good.services == 10 && good.lastError == nil)
        let snapshot = try await rig.rig.store.latestSnapshot()?.id

        server.setMode(.failing)
        await scheduler.pullOnce(feed)
        let failing = try #require(board.entry(for: feed))
        #expect(failing.state == "failing")
        #expect(failing.lastSuccess == good.lastSuccess, "the last success is kept")
        let pageOne = FeedFetcher.pageURL(feed.url, page: 1, perPage: 4).absoluteString
        #expect(failing.lastError == "\(pageOne) (page 1): HTTP 500")

        // New services, but the second page arrives cut short: nothing of the new feed is used.
        server.setMode(.truncated(page: 2))
        server.replaceServices(services)
        await scheduler.pullOnce(feed)
        let truncated = try #require(board.entry(for: feed))
        let pageTwo = FeedFetcher.pageURL(feed.url, page: 2, perPage: 4).absoluteString
        #expect(truncated.lastError?.hasPrefix("\(pageTwo) (page 2): not valid JSON") == true, "\(truncated.lastError ?? "")")
        #expect(try await rig.rig.store.latestSnapshot()?.id == snapshot, "the last good directory stays stored")
        #expect(rig.matching.index.serviceCount == 12, "and matched")

        // Mended: the whole new feed comes in, page one included although it was fetched before the failure.
        server.setMode(.normal)
        await scheduler.pullOnce(feed)
        #expect(board.entry(for: feed)?.state == "ok")
        #expect(rig.matching.index.serviceCount == services.count + 2)
        await rig.close()
    }

    @Test func readinessShowsAFailingFeed() async throws {
        let server = try await HSDAFeedServer.start(services: Array(try HSDAFeedServer.sampleServices().prefix(3)))
        let rig = try await Rig.make()
        defer { server.stop() }
        let feed = try Self.hsda(server)
        let board = FeedStatusBoard(feeds: [feed])
        let scheduler = FeedScheduler(feeds: [feed], pull: rig.pull, store: rig.rig.store, matching: rig.matching, board: board,
                                      logger: LoopbackServer.logger)
        await scheduler.pullOnce(feed)
        server.setMode(.failing)
        await scheduler.pullOnce(feed)
        var parts = TrellisServerParts(store: rig.rig.store, matching: rig.matching)
        parts.feeds = board
        try await Application(router: TrellisApplication.router(parts)).test(.router) { client in
            let response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .ok, "the last good directory still serves")
            let ready = try APIFixture.json(response)
            let feeds = try #require(ready["feeds"] as? [[String: Any]])
            #expect(feeds.count == 1)
            #expect(feeds.first?["url"] as? String == server.hsdaURL)
            #expect(feeds.first?["status"] as? String == "failing")
            #expect(feeds.first?["last_success"] is String)
            #expect((feeds.first?["last_error"] as? String)?.hasSuffix("(page 1): HTTP 500") == true)
        }
        await rig.close()
    }

    @Test func theScheduleSwapsMatchingWithoutARestart() async throws {
        let services = try HSDAFeedServer.sampleServices()
        let server = try await HSDAFeedServer.start(services: Array(services.prefix(5)))
        let rig = try await Rig.make()
        defer { server.stop() }
        let feed = try Self.hsda(server, every: .milliseconds(20))
        let (pulls, reporter) = AsyncStream<FeedStatusBoard.Entry>.makeStream()
        let scheduler = FeedScheduler(feeds: [feed], pull: rig.pull, store: rig.rig.store, matching: rig.matching,
                                      board: FeedStatusBoard(feeds: [feed]), logger: LoopbackServer.logger,
                                      onPulled: { _, entry in reporter.yield(entry) })
        let running = Task { try await scheduler.run() }
        var events = pulls.makeAsyncIterator()
        let first = await events.next()
        #expect(first?.services == 5)
        #expect(rig.matching.index.serviceCount == 7)

        server.replaceServices(services)
        // Unchanged pulls may come first; the schedule takes the new feed on its own.
        while let entry = await events.next(), entry.services != services.count {}
        #expect(rig.matching.index.serviceCount == services.count + 2, "matching swapped while it ran")
        running.cancel()
        _ = try? await running.value
        await rig.close()
    }

    @Test func anAIRSFeedIsPulledAndCachedByDate() async throws {
        let server = try await HSDAFeedServer.start(services: [], airs: try HSDAFeedServer.sampleAIRS())
        let rig = try await Rig.make()
        defer { server.stop() }
        let feed = DirectoryFeed(kind: .airs, url: try DirectoryFeed.checkedURL(server.airsURL), source: "riverbend-airs")
        guard case .imported(let report, _) = try await rig.run(feed) else { Issue.record("nothing imported"); return }
        #expect(report.services > 0 && report.rejected == 0)
        guard case .unchanged = try await rig.run(feed) else { Issue.record("the second pull was not answered from the cache"); return }
        #expect(server.notModified == 1, "If-Modified-Since got 304")
        await rig.close()
    }

    struct IntervalCase: Sendable, CustomTestStringConvertible {
        var text: String
        var seconds: Int?
        var testDescription: String { "\"\(text)\"" }
    }

    @Test(arguments: [
        IntervalCase(text: "6h", seconds: 21_600), IntervalCase(text: "30m", seconds: 1_800), IntervalCase(text: "45s", seconds: 45),
        IntervalCase(text: "1d", seconds: 86_400), IntervalCase(text: " 2H ", seconds: 7_200), IntervalCase(text: "0h", seconds: nil),
        IntervalCase(text: "-1h", seconds: nil), IntervalCase(text: "6", seconds: nil), IntervalCase(text: "h", seconds: nil),
        IntervalCase(text: "9999999999999999999999h", seconds: nil), IntervalCase(text: "400d", seconds: nil), IntervalCase(text: "1w", seconds: nil),
    ])
    func intervals(_ c: IntervalCase) {
        #expect(DirectoryFeed.interval(c.text) == c.seconds.map { .seconds($0) })
    }

    /// `/readyz` is open to anyone who can reach it: a feed's credentials never show there or in logs.
    @Test(arguments: [
        ("https://api.example.org/hsds?api_key=s3cret&region=ne", "https://api.example.org/hsds?api_key=***&region=ne"),
        ("https://api.example.org/hsds?access_token=s3cret", "https://api.example.org/hsds?access_token=***"),
        ("https://user:s3cret@api.example.org/hsds", "https://user:***@api.example.org/hsds"),
        ("https://api.example.org/hsds", "https://api.example.org/hsds"),
    ])
    func credentialsInAFeedURLAreMasked(_ url: String, _ shown: String) throws {
        #expect(DirectoryFeed.shown(url) == shown)
        #expect(FeedError(url: url, page: 1, "HTTP 500").description == "\(shown) (page 1): HTTP 500")
        let feed = DirectoryFeed(kind: .hsda, url: try DirectoryFeed.checkedURL(url), source: "s")
        #expect(FeedStatusBoard(feeds: [feed]).all.first?.url == shown)
    }

    @Test func pagesAreAskedForUnderServicesWithFullRecords() throws {
        for base in ["https://api.example.org/hsds", "https://api.example.org/hsds/", "https://api.example.org/hsds/services"] {
            #expect(FeedFetcher.pageURL(URL(string: base)!, page: 3, perPage: 50).absoluteString
                    == "https://api.example.org/hsds/services?page=3&per_page=50&full=true")
        }
        #expect(FeedFetcher.pageURL(URL(string: "https://api.example.org/services?api_key=k&page=9")!, page: 1, perPage: 10).absoluteString
                == "https://api.example.org/services?api_key=k&page=1&per_page=10&full=true")
        #expect(throws: FeedError.self) { try DirectoryFeed.checkedURL("file:///etc/passwd") }
        #expect(throws: FeedError.self) { try DirectoryFeed.checkedURL("https://") }
    }
}
