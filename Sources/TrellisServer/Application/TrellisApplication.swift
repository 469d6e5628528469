import Foundation
public import Hummingbird
public import Logging
public import ServiceLifecycle
public import TrellisStore

/// What the server is built from: the store, the directory it matches and searches (optional: a
/// server without one still takes partners' answers), and how it takes directory uploads.
public struct TrellisServerParts: Sendable {
    public var store: any TrellisStore
    public var matching: MatchingService?
    public var uploads: DirectoryUploads?
    /// The case workers' web pages; without it the server answers the API only.
    public var web: WebInterface?
    /// schemas/openapi.yaml, served at `/openapi.yaml`.
    public var openAPIDocument: String?
    /// Watches the database; while it does not answer, requests get 503 at once.
    public var databaseHealth: DatabaseHealth?
    /// Which peers' `X-Forwarded-For` names the client (`--trusted-proxy`); by default none.
    public var forwardedFor = ForwardedFor.direct
    /// Failed authentications, counted per address and minute and audited by `SecurityUpkeep`.
    public var failedAuthentications = FailedAuthentications()
    /// The web sign-in's limits, pruned by `SecurityUpkeep`.
    public var signInLimiter = SignInLimiter()
    /// What the pulled feeds last did, for `/readyz` and the administrator's page.
    public var feeds = FeedStatusBoard(feeds: [])

    public init(store: any TrellisStore, matching: MatchingService? = nil, uploads: DirectoryUploads? = nil, web: WebInterface? = nil) {
        self.store = store
        self.matching = matching
        self.uploads = uploads
        self.web = web
    }
}

/// The Trellis service: its routes over the store, with the services that run beside it (the
/// delivery worker, the status poller) in one service group, stopped gracefully together.
public enum TrellisApplication {
    public static func router(_ parts: TrellisServerParts) -> Router<TrellisRequestContext> {
        let store = parts.store
        let router = Router(context: TrellisRequestContext.self)
        router.add(middleware: PrivateResponseMiddleware())
        router.add(middleware: ClientAddressMiddleware(parts.forwardedFor))
        router.add(middleware: ErrorEnvelopeMiddleware())
        _ = ServerMetrics.registry  // the metrics backend, before the middleware makes its counters
        router.add(middleware: MetricsMiddleware())
        if let health = parts.databaseHealth { router.add(middleware: DatabaseGate(health: health)) }
        let matching = parts.matching
        HealthController(store: store, health: parts.databaseHealth, servedServices: { matching?.catalog.health.services }, feeds: parts.feeds).addRoutes(to: router)
        let failures = parts.failedAuthentications
        // One token cache for the API and the administrator's pages, which empty it of a user they cut off.
        let tokens = TokenCache()
        let bearer = BearerAuthentication(store: store, failures: failures, cache: tokens)
        MetricsController(store: store, auditLog: store.audit).addRoutes(to: router, behind: bearer)
        if let document = parts.openAPIDocument {
            router.get("/openapi.yaml") { _, _ in
                guard let data = FileManager.default.contents(atPath: document) else { throw APIError.notFound("the API description is missing") }
                return Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
            }
        }
        // Partners prove who they are by signature, not by a person's token.
        PartnerAnswerController(store: store, auditLog: store.audit, failures: failures).addRoutes(to: router)
        PartnerMessageController(store: store, auditLog: store.audit, failures: failures).addRoutes(to: router)
        // The FHIR pull: a partner token reads its Tasks; refusals are OperationOutcomes.
        let fhir = router.group("/fhir").add(middleware: FHIROutcomeMiddleware()).add(middleware: bearer)
        FHIRPullController(store: store, auditLog: store.audit).addRoutes(to: fhir)
        let signedIn = router.group("/v1").add(middleware: bearer)
        AccountController().addRoutes(to: signedIn)
        ReferralController(store: store, auditLog: store.audit, matching: parts.matching).addRoutes(to: signedIn)
        ReferralMessageController(store: store, auditLog: store.audit).addRoutes(to: signedIn)
        ReceiptController(store: store, auditLog: store.audit).addRoutes(to: signedIn)
        ReportController(store: store, auditLog: store.audit).addRoutes(to: signedIn)
        AuditController(store: store, auditLog: store.audit).addRoutes(to: signedIn)
        if let matching = parts.matching {
            MatchController(matching: matching, auditLog: store.audit).addRoutes(to: signedIn)
            ServiceController(matching: matching, store: store, auditLog: store.audit).addRoutes(to: signedIn)
            if let uploads = parts.uploads {
                DirectoryController(store: store, auditLog: store.audit, matching: matching, uploads: uploads).addRoutes(to: signedIn)
            }
        }
        if let web = parts.web {
            web.addStaticRoutes(to: router)
            WebController(store: store, matching: parts.matching, uploads: parts.uploads, settings: web.settings, pages: web.pages.naming(with: parts.matching),
                          tokens: tokens, limiter: parts.signInLimiter, failures: failures, feeds: parts.feeds)
                .addRoutes(to: router)
        }
        return router
    }

    public static func make(_ parts: TrellisServerParts, host: String = "127.0.0.1", port: Int,
                            services: [any Service] = [], logger: Logger,
                            onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        // A connection that sends nothing for a minute is closed, so idle or stalled clients cannot hold sockets.
        let upkeep = SecurityUpkeep(failures: parts.failedAuthentications, limiter: parts.signInLimiter, audit: parts.store.audit, logger: logger)
        return Application(router: router(parts), server: .http1(configuration: .init(idleTimeout: .seconds(60))),
                           configuration: .init(address: .hostname(host, port: port), serverName: "trellis"),
                           services: services + (parts.databaseHealth.map { [$0] } ?? []) + [upkeep],
                           onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }

    /// `/metrics` alone, open to anyone who can reach it, on `port` of the loopback address only
    /// (`--metrics-port`): for a Prometheus beside the server, without an administrator's token.
    public static func metrics(store: any TrellisStore, port: Int, logger: Logger,
                               onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router(context: TrellisRequestContext.self)
        router.add(middleware: ErrorEnvelopeMiddleware())
        _ = ServerMetrics.registry
        MetricsController(store: store, auditLog: store.audit).addOpenRoutes(to: router)
        return Application(router: router, configuration: .init(address: .hostname(loopback, port: port), serverName: "trellis-metrics"),
                           onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }

    /// Where the metrics port listens: never anywhere else.
    public static let loopback = "127.0.0.1"
}
