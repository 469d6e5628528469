public import Foundation

/// A directory Trellis pulls over HTTPS: an Open Referral HSDA API (paged `/services` with full records)
/// or one AIRS XML export at a URL. `source` names what the feed imports, so a later import of the same
/// source can be told from others' (`--source`, `directories.feeds[].source`).
public struct DirectoryFeed: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case hsda, airs
    }

    public var kind: Kind
    public var url: URL
    public var source: String
    /// How often `serve` pulls it; nil: only on demand (`trellis directory pull`).
    public var every: Duration?
    /// Services asked for per HSDA page (`per_page`).
    public var pageSize: Int

    public static let defaultPageSize = 100

    public init(kind: Kind, url: URL, source: String, every: Duration? = nil, pageSize: Int = defaultPageSize) {
        self.kind = kind
        self.url = url
        self.source = source
        self.every = every
        self.pageSize = pageSize
    }

    /// Only http and https URLs with a host are feeds; the reason otherwise, naming the URL.
    public static func checkedURL(_ text: String) throws(FeedError) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
              url.host?.isEmpty == false
        else { throw FeedError(url: text, "not an http or https URL") }
        return url
    }

    /// The source a feed imports as when none is named: its host ("api.example.org").
    public static func defaultSource(for url: URL) -> String { url.host ?? url.absoluteString }

    /// The URL as messages, logs, the admin page and `/readyz` show it: without a password, and with the
    /// values of query parameters that look like credentials (`api_key`, `token`, `signature`…) masked.
    public static func shown(_ text: String) -> String {
        guard var components = URLComponents(string: text) else { return text }
        if components.password != nil { components.password = "***" }
        if let items = components.queryItems {
            components.queryItems = items.map { item in
                let name = item.name.lowercased()
                let secret = ["key", "token", "secret", "password", "passwd", "sig", "auth", "credential"].contains { name.contains($0) }
                return secret && item.value != nil ? URLQueryItem(name: item.name, value: "***") : item
            }
        }
        return components.string ?? text
    }

    /// "30s", "30m", "6h", "1d": a positive whole number and a unit, at most 366 days; nil otherwise.
    public static func interval(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = trimmed.last, let seconds: Int = ["s": 1, "m": 60, "h": 3_600, "d": 86_400][unit],
              let count = Int(trimmed.dropLast()), count > 0, count <= 366 * 86_400 / seconds
        else { return nil }
        return .seconds(count * seconds)
    }
}

/// Why a pull failed: the URL (and HSDA page) it was reading and what went wrong.
public struct FeedError: Error, Sendable, CustomStringConvertible, Equatable {
    public var url: String
    public var page: Int?
    public var message: String

    public init(url: String, page: Int? = nil, _ message: String) {
        self.url = DirectoryFeed.shown(url)
        self.page = page
        self.message = message
    }

    public var description: String { "\(url)" + (page.map { " (page \($0))" } ?? "") + ": \(message)" }
}
