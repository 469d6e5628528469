public import Foundation
public import TrellisDirectory
public import TrellisStore

/// One pull of a feed, end to end: fetch what changed, read every page through the directory reader,
/// store the services through the store's directory import, reload matching, then keep the pages as
/// the cache. Nothing changed (every page 304): nothing is read or stored. Any failure leaves the
/// stored directory, matching and the cache as they were.
public struct FeedPull: Sendable {
    public let fetcher: FeedFetcher
    public let reader: DirectoryReader

    public init(fetcher: FeedFetcher, reader: DirectoryReader) {
        self.fetcher = fetcher
        self.reader = reader
    }

    public enum Outcome: Sendable {
        /// Every page answered 304: the stored directory already holds the feed.
        case unchanged(pages: Int)
        case imported(report: ReadingReport, snapshot: DirectorySnapshot)
    }

    public func run(_ feed: DirectoryFeed, store: any DirectoryRepository, matching: MatchingService?, context: AuditContext,
                    progress: @Sendable (Int, Int?) -> Void = { _, _ in }) async throws -> Outcome {
        let fetch = try await fetcher.fetch(feed, progress: progress)
        guard fetch.changed else { return .unchanged(pages: fetch.pages.count) }
        do {
            let (reports, merged) = await read(fetch, feed: feed)
            if let broken = reports.firstIndex(where: { $0.fatal != nil }), let fatal = reports[broken].fatal {
                let page = fetch.pages[broken]
                throw FeedError(url: page.url.absoluteString, page: feed.kind == .hsda ? page.number : nil, "not a directory: \(fatal.description)")
            }
            guard merged.serviceCount > 0 else { throw FeedError(url: feed.url.absoluteString, "the feed holds no services") }
            var report = ReadingReport(reports, merged: merged)
            // A feed is its source's whole export: what it no longer holds is withdrawn, unless that would be
            // more than the allowed share (a feed cut short then fails, and the last good directory stays).
            let replacement = DirectoryReplacement(replaceSource: true, keeping: reports.reduce(into: Set<String>()) { $0.formUnion($1.rejectedServiceIDs) })
            let snapshot = try await store.storeDirectory(merged.sortedServices, files: [Self.fileLabel(feed)], source: feed.source,
                                                          replacement: replacement, context: context)
            // Matching first: a cache that cannot be kept only means the next pull fetches every page again.
            try await matching?.reload(from: store)
            try fetcher.commit(fetch)
            report.stored = .init(database: "feed \(feed.source)", snapshot: snapshot.id, services: snapshot.serviceCount)
            return .imported(report: report, snapshot: snapshot)
        } catch {
            fetcher.discard(fetch)
            throw error
        }
    }

    /// How the stored snapshot names the feed: its source and URL (`bc211 https://…`).
    static func fileLabel(_ feed: DirectoryFeed) -> String { "\(feed.source) \(DirectoryFeed.shown(feed.url.absoluteString))" }

    /// Reads the pages off the caller's executor: parsing a large feed is seconds of CPU work.
    private func read(_ fetch: FeedFetcher.Fetch, feed: DirectoryFeed) async -> ([FileReport], DirectoryImport) {
        let reader = reader
        return await Task.detached {
            var merged = DirectoryImport(keepsServices: true)
            let reports = fetch.pages.map { page in
                var report = reader.read(path: page.path, into: &merged)
                report.path = DirectoryFeed.shown(page.url.absoluteString)  // reports name the page, not the cache file
                return report
            }
            return (reports, merged)
        }.value
    }
}
