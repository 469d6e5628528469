public import Foundation
public import TrellisDelivery

/// Fetches a feed's pages over libcurl (TrellisDelivery's client) with conditional requests: a page
/// whose `ETag` or `Last-Modified` still holds answers 304 and is read from the cache. What changed is
/// staged in the cache, to be committed once stored.
public struct FeedFetcher: Sendable {
    let client: CurlClient
    let cache: FeedCache
    var transport: TransportSettings

    /// Pages of an HSDA API beyond this are refused: a feed cannot make Trellis loop forever.
    static let maximumPages = 100_000

    public init(client: CurlClient, cache: FeedCache,
                transport: TransportSettings = TransportSettings(connectTimeout: .seconds(10), totalTimeout: .seconds(300),
                                                                 maximumResponseBytes: 512 * 1_024 * 1_024)) {
        self.client = client
        self.cache = cache
        self.transport = transport
    }

    /// One fetched page: where its body is (cached or staged) and whether it changed.
    public struct Page: Sendable {
        public var url: URL
        public var number: Int
        public var path: String
        public var changed: Bool
    }

    public struct Fetch: Sendable {
        public var pages: [Page]
        /// The source's cache the pages were checked against.
        let cache: FeedCache
        /// Some page was new or changed since the last stored pull.
        public var changed: Bool { pages.contains(where: \.changed) }
    }

    /// Every page of `feed`. `progress` gets each page's number and the page count when known.
    public func fetch(_ feed: DirectoryFeed, progress: @Sendable (Int, Int?) -> Void = { _, _ in }) async throws(FeedError) -> Fetch {
        let cache = cache.scoped(to: feed.source)
        var pages: [Page] = []
        do throws(FeedError) {
            switch feed.kind {
            case .airs:
                progress(1, 1)
                pages.append(try await fetchPage(feed.url, number: nil, isHSDA: false, cache: cache).page)
            case .hsda:
                var number = 1
                while true {
                    let url = Self.pageURL(feed.url, page: number, perPage: feed.pageSize)
                    let (page, validators) = try await fetchPage(url, number: number, isHSDA: true, cache: cache)
                    pages.append(page)
                    progress(number, validators.totalPages)
                    let more = validators.totalPages.map { number < $0 } ?? (validators.lastPage == false)
                    guard more else { break }
                    guard number < Self.maximumPages else {
                        throw FeedError(url: url.absoluteString, page: number, "more than \(Self.maximumPages) pages; refused")
                    }
                    number += 1
                }
            }
        } catch {
            for page in pages { cache.discard(page.url) }
            throw error
        }
        return Fetch(pages: pages, cache: cache)
    }

    /// Makes the fetched pages the cached copies (after the directory they hold was stored).
    public func commit(_ fetch: Fetch) throws(FeedError) {
        for page in fetch.pages where page.changed {
            do { try fetch.cache.commit(page.url) } catch let error as FeedError { throw error } catch {
                throw FeedError(url: page.url.absoluteString, "cannot keep the cached copy: \(error)")
            }
        }
    }

    /// Forgets what a fetch staged (the pull failed later).
    public func discard(_ fetch: Fetch) {
        for page in fetch.pages where page.changed { fetch.cache.discard(page.url) }
    }

    /// `/services?page=N&per_page=M&full=true` under the API's address (given with or without `/services`).
    public static func pageURL(_ base: URL, page: Int, perPage: Int) -> URL {
        guard var components = URLComponents(url: base, resolvingAgainstBaseURL: false) else { return base }
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        if !path.hasSuffix("/services") { path += "/services" }
        components.path = path
        let kept = (components.queryItems ?? []).filter { !["page", "per_page", "full"].contains($0.name) }
        components.queryItems = kept + [URLQueryItem(name: "page", value: String(page)), URLQueryItem(name: "per_page", value: String(perPage)),
                                        URLQueryItem(name: "full", value: "true")]
        return components.url ?? base
    }

    private func fetchPage(_ url: URL, number: Int?, isHSDA: Bool, cache: FeedCache) async throws(FeedError) -> (page: Page, validators: FeedCache.Validators) {
        let cached = cache.validators(for: url)
        var headers: [(name: String, value: String)] = [("Accept", isHSDA ? "application/json" : "application/xml, text/xml, application/json")]
        if let etag = cached?.etag { headers.append(("If-None-Match", etag)) }
        if let modified = cached?.lastModified { headers.append(("If-Modified-Since", modified)) }
        let response: IncomingResponse
        do {
            response = try await client.send(OutgoingRequest(method: .get, url: url, headers: headers), settings: transport,
                                              connectionKey: "feed:\(url.host ?? "")")
        } catch let error as TransportError {
            throw FeedError(url: url.absoluteString, page: number, "no answer (\(error))")
        } catch {
            throw FeedError(url: url.absoluteString, page: number, "no answer (\(error))")
        }
        if response.status == 304, let cached {
            return (Page(url: url, number: number ?? 1, path: cache.entry(for: url).body.path, changed: false), cached)
        }
        guard response.status == 200 else {
            let said = response.excerpt.isEmpty ? "" : ": \(response.excerpt.prefix(200))"
            throw FeedError(url: url.absoluteString, page: number, "HTTP \(response.status)\(said)")
        }
        guard !response.bodyTruncated else {
            throw FeedError(url: url.absoluteString, page: number, "the answer is larger than \(transport.maximumResponseBytes) bytes; refused")
        }
        var validators = FeedCache.Validators(url: url.absoluteString, etag: response.headers["etag"], lastModified: response.headers["last-modified"])
        if isHSDA {
            let envelope = try HSDAPageEnvelope(response.body, url: url, page: number ?? 1)
            validators.totalPages = envelope.totalPages
            validators.lastPage = envelope.lastPage
        }
        do {
            let staged = try cache.stage(response.body, validators: validators, for: url)
            return (Page(url: url, number: number ?? 1, path: staged.body.path, changed: true), validators)
        } catch {
            throw FeedError(url: url.absoluteString, page: number, "cannot write the cache in \(cache.folder.path): \(error.localizedDescription)")
        }
    }
}
