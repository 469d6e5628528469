public import Foundation
public import Logging
public import ServiceLifecycle
public import TrellisStore

/// `serve`'s pulled feeds: each is pulled at start and then every `every`, and a changed feed is
/// stored and swapped into matching without a restart. A failing pull is logged and shown on the
/// status board; the last good directory stays in use.
public struct FeedScheduler: ServiceLifecycle.Service {
    let feeds: [DirectoryFeed]
    let pull: FeedPull
    let store: any DirectoryRepository
    let matching: MatchingService
    let board: FeedStatusBoard
    let logger: Logger
    /// Told after every pull (tests wait on it instead of on the clock).
    let onPulled: @Sendable (DirectoryFeed, FeedStatusBoard.Entry) -> Void

    public init(feeds: [DirectoryFeed], pull: FeedPull, store: any DirectoryRepository, matching: MatchingService, board: FeedStatusBoard,
                logger: Logger, onPulled: @escaping @Sendable (DirectoryFeed, FeedStatusBoard.Entry) -> Void = { _, _ in }) {
        self.feeds = feeds
        self.pull = pull
        self.store = store
        self.matching = matching
        self.board = board
        self.logger = logger
        self.onPulled = onPulled
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            for feed in feeds {
                group.addTask {
                    while !Task.isCancelled && !Task.isShuttingDownGracefully {
                        await pullOnce(feed)
                        guard let every = feed.every else { return }
                        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: every) }
                    }
                }
            }
        }
    }

    /// Pulls `feed` now and records what happened.
    public func pullOnce(_ feed: DirectoryFeed) async {
        let context = AuditContext(actor: "feed:\(feed.source)", purpose: "operations")
        do {
            switch try await pull.run(feed, store: store, matching: matching, context: context) {
            case .unchanged(let pages):
                board.recordSuccess(feed, at: Date(), imported: nil)
                logger.debug("feed unchanged", metadata: ["feed.url": "\(DirectoryFeed.shown(feed.url.absoluteString))", "feed.pages": "\(pages)"])
            case .imported(let report, let snapshot):
                board.recordSuccess(feed, at: Date(), imported: report.services)
                logger.info("feed imported", metadata: ["feed.url": "\(DirectoryFeed.shown(feed.url.absoluteString))", "feed.source": "\(feed.source)",
                                                        "directory.snapshot": "\(snapshot.id)", "directory.services": "\(report.services)"])
            }
        } catch {
            let message = (error as? FeedError)?.description ?? "\(DirectoryFeed.shown(feed.url.absoluteString)): \(error)"
            board.recordFailure(feed, at: Date(), error: message)
            logger.warning("feed failed; the last good directory stays in use", metadata: ["feed.url": "\(DirectoryFeed.shown(feed.url.absoluteString))", "error": "\(message)"])
        }
        if let entry = board.entry(for: feed) { onPulled(feed, entry) }
    }
}
