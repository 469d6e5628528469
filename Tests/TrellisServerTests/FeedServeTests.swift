import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
import TrellisServer
import TrellisTestSupport

/// `serve` with a configured feed: the real application runs the schedule, shows a failing feed on the
/// administrator's page and in `/readyz`, and swaps matching to the feed once it answers, without a restart.
@Suite struct FeedServeTests {
    /// The sample county's services under new ids, so the feed adds to what the site already holds.
    static func renamedServices(_ count: Int) throws -> [String] {
        try HSDAFeedServer.sampleServices().prefix(count).map { text in
            var object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            object["id"] = "feed-\(object["id"] as? String ?? "")"
            return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
    }

    @Test func aScheduledFeedFailsVisiblyThenSwapsMatching() async throws {
        let server = try await HSDAFeedServer.start(services: try Self.renamedServices(6))
        defer { server.stop() }
        server.setMode(.failing)
        var site = try await WebPageTests.Site.make()
        let feed = DirectoryFeed(kind: .hsda, url: try DirectoryFeed.checkedURL(server.hsdaURL), source: "county-211", every: .milliseconds(20), pageSize: 4)
        let (pulls, reporter) = AsyncStream<FeedStatusBoard.Entry>.makeStream()
        site.settings.feeds = [feed]
        site.settings.feedCache = site.rig.folder.appendingPathComponent("feeds")
        site.settings.onFeedPulled = { _, entry in reporter.yield(entry) }
        let matching = try #require(site.settings.matching)
        let before = matching.index.serviceCount
        try await buildApplication(settings: site.settings, store: site.rig.store, logger: LoopbackServer.logger).test(.live) { client in
            var events = pulls.makeAsyncIterator()
            let failed = await events.next()
            #expect(failed?.state == "failing")

            let ready = try APIFixture.json(try await client.execute(uri: "/readyz", method: .get))
            let feeds = try #require(ready["feeds"] as? [[String: Any]])
            #expect(feeds.first?["status"] as? String == "failing")
            #expect((feeds.first?["last_error"] as? String)?.hasSuffix("(page 1): HTTP 500") == true)
            var admin = WebPageTests.Browser()
            _ = try await admin.signIn(client, as: "admin-1")
            let page = String(buffer: try await admin.get(client, "/admin").body)
            #expect(page.contains("<td>county-211</td><td>hsda</td><td>\(server.hsdaURL)</td><td>failing</td><td>never</td>"))
            #expect(page.contains("(page 1): HTTP 500"))
            #expect(matching.index.serviceCount == before, "the last good directory stays in use")

            server.setMode(.normal)
            while let entry = await events.next(), entry.state != "ok" {}
            #expect(matching.index.serviceCount == before + 6, "matching swapped without a restart")
        }
        await site.rig.close()
    }
}
