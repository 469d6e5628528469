import Foundation
import TrellisServer
import TrellisStore

/// The `directories` object of config/trellis.json: feeds `serve` pulls on a schedule, and where pulled
/// feeds keep their cache.
///
/// ```json
/// "directories": {
///   "feed_cache": "data/feeds",
///   "feeds": [{"url": "https://api.example.org/hsds", "kind": "hsda", "source": "bc211", "every": "6h"}]
/// }
/// ```
struct DirectorySettings: Decodable {
    struct Feed: Decodable {
        var url: String
        var kind: String?
        var source: String?
        var every: String?
        var pageSize: Int?
        enum CodingKeys: String, CodingKey {
            case url, kind, source, every
            case pageSize = "page_size"
        }
    }

    var feeds: [Feed]?
    var feedCache: String?

    enum CodingKeys: String, CodingKey {
        case feeds
        case feedCache = "feed_cache"
    }

    /// The feeds, checked; an error names the entry and field at fault.
    func checkedFeeds() throws -> [DirectoryFeed] {
        try (feeds ?? []).enumerated().map { index, feed in
            let field = "directories.feeds[\(index)]"
            let url: URL
            do { url = try DirectoryFeed.checkedURL(feed.url) } catch { throw CommandFailure("\(field).url: \(error)") }
            guard let kind = DirectoryFeed.Kind(rawValue: feed.kind ?? "hsda") else {
                throw CommandFailure("\(field).kind: \"\(feed.kind ?? "")\" is not hsda or airs")
            }
            guard let text = feed.every, let every = DirectoryFeed.interval(text) else {
                throw CommandFailure("\(field).every: \"\(feed.every ?? "")\" is not an interval such as 30m, 6h or 1d")
            }
            let pageSize = feed.pageSize ?? DirectoryFeed.defaultPageSize
            guard (1...1_000).contains(pageSize) else { throw CommandFailure("\(field).page_size: \(pageSize) is not 1 to 1000") }
            return DirectoryFeed(kind: kind, url: url, source: feed.source?.nonBlank ?? DirectoryFeed.defaultSource(for: url), every: every,
                                 pageSize: pageSize)
        }
    }

    /// Where pulled feeds keep their pages: `feed_cache`, else `feeds/` beside the SQLite database
    /// (data/feeds by default), or data/feeds with PostgreSQL.
    static func cacheFolder(explicit: String?, location: StoreLocation) -> URL {
        if let explicit = explicit?.nonBlank { return URL(fileURLWithPath: explicit) }
        switch location {
        case .sqlite(let path):
            let folder = (path as NSString).deletingLastPathComponent
            return URL(fileURLWithPath: folder.isEmpty ? "." : folder).appendingPathComponent("feeds")
        case .postgres:
            return URL(fileURLWithPath: "data/feeds")
        }
    }
}
