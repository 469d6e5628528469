import Foundation
import Testing

/// `directories.feeds` in the settings file: `serve` reads it beside its own settings and refuses an
/// entry it cannot use, naming the entry and field.
@Suite struct ServeFeedSettingsTests {
    @Test func serveStartsWithFeedsAndReportsThemInReadiness() throws {
        var w = try ReferralCommandTests.Workspace(.sqlite)
        defer { w.remove() }
        try w.storeDirectory()
        // Nothing listens on port 1: the feed fails, and the stored directory serves.
        // The workspace's own settings (its keys), with a feed added.
        var settings = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: w.folder.appendingPathComponent("trellis.json"))) as? [String: Any])
        settings["directories"] = ["feed_cache": w.folder.appendingPathComponent("cache").path,
                                   "feeds": [["url": "http://127.0.0.1:1/hsds", "kind": "hsda", "source": "bc211", "every": "6h"]]]
        settings["serve"] = ["session_idle_minutes": 30]
        let config = try SettingsFile.write(String(decoding: try JSONSerialization.data(withJSONObject: settings), as: UTF8.self))
        defer { try? FileManager.default.removeItem(atPath: config) }
        let serve = try DeliverCommandTests.Running(["serve", "--db", w.db, "--port", "0", "--no-delivery", "--config", config], environment: w.environment)
        defer { serve.kill() }
        let line = serve.firstLine()
        let base = try #require(line.range(of: "http://").map { String(line[$0.lowerBound...]) }, "\(line)")
        let ready = try DeliverCommandTests.get(base + "/readyz")
        #expect(ready["status"] as? String == "ready")
        let feeds = try #require(ready["feeds"] as? [[String: Any]])
        #expect(feeds.count == 1)
        #expect(feeds.first?["url"] as? String == "http://127.0.0.1:1/hsds")
        #expect(feeds.first?["source"] as? String == "bc211")
        #expect(["pending", "failing"].contains(feeds.first?["status"] as? String ?? ""))
    }

    @Test(arguments: [
        (#"{"url": "https://api.example.org/hsds", "every": "6x"}"#, #"directories.feeds[0].every: "6x" is not an interval such as 30m, 6h or 1d"#),
        (#"{"url": "https://api.example.org/hsds"}"#, #"directories.feeds[0].every: "" is not an interval such as 30m, 6h or 1d"#),
        (#"{"url": "ftp://api.example.org/hsds", "every": "6h"}"#, "directories.feeds[0].url: ftp://api.example.org/hsds: not an http or https URL"),
        (#"{"url": "https://api.example.org/x.xml", "kind": "csv", "every": "6h"}"#, #"directories.feeds[0].kind: "csv" is not hsda or airs"#),
        (#"{"url": "https://api.example.org/hsds", "every": "6h", "page_size": 0}"#, "directories.feeds[0].page_size: 0 is not 1 to 1000"),
    ])
    func aFeedServeCannotUseIsRefused(_ entry: String, _ message: String) throws {
        let w = try ReferralCommandTests.Workspace(.sqlite)
        defer { w.remove() }
        let config = try SettingsFile.write(#"{"directories": {"feeds": [\#(entry)]}}"#)
        defer { try? FileManager.default.removeItem(atPath: config) }
        let refused = try w.trellis(["serve", "--port", "0", "--config", config])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains(message), "\(refused.stderr)")
    }
}
