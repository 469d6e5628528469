public import Foundation
import Synchronization

/// What each configured feed last did, for the administrator's page and `/readyz`: the URL, the last
/// success, the last error. A failing feed keeps the last good directory; this is where it shows.
public final class FeedStatusBoard: Sendable {
    public struct Entry: Sendable, Equatable {
        public var url: String
        public var kind: DirectoryFeed.Kind
        public var source: String
        public var lastAttempt: Date?
        public var lastSuccess: Date?
        /// The last pull that stored a changed directory.
        public var lastImport: Date?
        public var services: Int?
        public var lastError: String?
        public var lastErrorAt: Date?

        /// "ok" after a success, "failing" when the newest attempt failed, "pending" before the first.
        public var state: String {
            if let lastErrorAt, lastSuccess.map({ $0 < lastErrorAt }) ?? true { return "failing" }
            return lastSuccess == nil ? "pending" : "ok"
        }

        /// For JSON answers: dates as ISO 8601, absent values left out.
        public var fields: [String: Any] {
            var fields: [String: Any] = ["url": url, "kind": kind.rawValue, "source": source, "status": state]
            fields["last_attempt"] = lastAttempt?.formatted(.iso8601)
            fields["last_success"] = lastSuccess?.formatted(.iso8601)
            fields["last_import"] = lastImport?.formatted(.iso8601)
            fields["services"] = services
            fields["last_error"] = lastError
            fields["last_error_at"] = lastErrorAt?.formatted(.iso8601)
            return fields
        }
    }

    private let entries: Mutex<[Entry]>

    public init(feeds: [DirectoryFeed]) {
        entries = Mutex(feeds.map { Entry(url: DirectoryFeed.shown($0.url.absoluteString), kind: $0.kind, source: $0.source) })
    }

    public var all: [Entry] { entries.withLock { $0 } }

    public func entry(for feed: DirectoryFeed) -> Entry? {
        let url = DirectoryFeed.shown(feed.url.absoluteString)
        return entries.withLock { $0.first { $0.url == url } }
    }

    func recordSuccess(_ feed: DirectoryFeed, at date: Date, imported services: Int?) {
        update(feed) { entry in
            entry.lastAttempt = date
            entry.lastSuccess = date
            if let services {
                entry.lastImport = date
                entry.services = services
            }
        }
    }

    func recordFailure(_ feed: DirectoryFeed, at date: Date, error: String) {
        update(feed) { entry in
            entry.lastAttempt = date
            entry.lastError = error
            entry.lastErrorAt = date
        }
    }

    private func update(_ feed: DirectoryFeed, _ change: (inout Entry) -> Void) {
        let url = DirectoryFeed.shown(feed.url.absoluteString)
        entries.withLock { all in
            if let i = all.firstIndex(where: { $0.url == url }) { change(&all[i]) }
        }
    }
}
