public import Hummingbird
public import Logging
public import ServiceLifecycle
import TrellisCore
import TrellisDelivery
import TrellisDirectory
import TrellisMatching
public import TrellisStore

/// The whole Trellis service over an open store: the first-start import, the partners, the routes and
/// pages, and the services beside them (delivery worker, status poller, overdue checker, directory and
/// database watchers, security upkeep, the loopback metrics port), in one service group stopped
/// gracefully together. `trellis serve` runs what this returns; the route tests start the same.
/// `services` are the caller's own (the executable's memory trimmer); `onRunning` gets the bound port.
public func buildApplication(settings: TrellisServerSettings, store: any TrellisStore, services extra: [any ServiceLifecycle.Service] = [], logger: Logger,
                             onRunning: @escaping @Sendable (Int) async -> Void = { _ in },
                             onMetricsRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws -> some ApplicationProtocol {
    if let reader = settings.reader {
        try await FirstStartImport.run(settings.firstStartDirectories, reader: reader, store: store, logger: logger)
    }
    let book = try await PartnerBook.serving(settings.partners, store: store)
    var services: [any ServiceLifecycle.Service] = []
    // Threads for partners' HTTP only when something here sends to partners.
    if settings.delivery != nil || settings.pollEvery != nil {
        let client = CurlClient(concurrency: 8)
        // First in the group, so stopped last: after the worker and the poller that send through it.
        services.append(CurlClientShutdown(client: client))
        if let interval = settings.pollEvery {
            services.append(StatusPoller(store: store, partners: book, client: client, interval: interval, logger: logger))
        }
        if let delivery = settings.delivery {
            services.append(DeliveryWorker(store: store, partners: book, client: client, settings: delivery, logger: logger))
        }
    }
    if let interval = settings.overdueEvery { services.append(OverdueChecker(referrals: store, audit: store.audit, interval: interval, logger: logger)) }
    if let interval = settings.consentSweepEvery { services.append(ConsentExpirySweep(store: store, interval: interval, logger: logger)) }
    if let mail = settings.mail { services.append(NoticeWorker(store: store, sender: MailSender(settings: mail), every: 10, logger: logger)) }
    services += extra
    let matching: MatchingService
    if let loaded = settings.matching { matching = loaded } else { matching = try await MatchingService.load(from: store, matcher: settings.matcher) }
    if settings.watchesDirectory { services.append(DirectoryWatcher(store: store, matching: matching, logger: logger)) }
    let feedBoard = FeedStatusBoard(feeds: settings.feeds)
    if !settings.feeds.isEmpty {
        guard let reader = settings.reader, let cacheFolder = settings.feedCache else {
            throw FeedError(url: settings.feeds[0].url.absoluteString, "feeds need the directory reader and a cache folder")
        }
        let client = CurlClient(concurrency: 2)
        services.insert(CurlClientShutdown(client: client), at: 0)
        let pull = FeedPull(fetcher: FeedFetcher(client: client, cache: FeedCache(folder: cacheFolder)), reader: reader)
        services.append(FeedScheduler(feeds: settings.feeds, pull: pull, store: store, matching: matching, board: feedBoard, logger: logger,
                                      onPulled: settings.onFeedPulled))
    }
    let uploads = settings.reader.map { DirectoryUploads(reader: $0, spoolDirectory: settings.uploadSpool, limitBytes: settings.uploadLimitBytes) }
    var parts = TrellisServerParts(store: store, matching: matching, uploads: uploads, web: settings.web)
    if settings.watchesDatabase { parts.databaseHealth = DatabaseHealth(store: store, logger: logger) }
    parts.forwardedFor = settings.forwardedFor
    parts.openAPIDocument = settings.openAPIDocument
    parts.failedAuthentications = settings.failedAuthentications
    parts.signInLimiter = settings.signInLimiter
    parts.feeds = feedBoard
    if let metricsPort = settings.metricsPort {
        services.append(TrellisApplication.metrics(store: store, port: metricsPort, logger: logger, onRunning: onMetricsRunning))
    }
    return TrellisApplication.make(parts, host: settings.host, port: settings.port, services: services, logger: logger, onRunning: onRunning)
}

/// Shuts the delivery HTTP client down once the service group stops (its in-flight requests are done by then).
struct CurlClientShutdown: ServiceLifecycle.Service {
    let client: CurlClient

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
