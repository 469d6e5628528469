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

    public init(store: any TrellisStore, matching: MatchingService? = nil, uploads: DirectoryUploads? = nil) {
        self.store = store
        self.matching = matching
        self.uploads = uploads
    }
}

/// The Trellis service: its routes over the store, with the services that run beside it (the
/// delivery worker, the status poller) in one service group, stopped gracefully together.
public enum TrellisApplication {
    public static func router(_ parts: TrellisServerParts) -> Router<TrellisRequestContext> {
        let store = parts.store
        let router = Router(context: TrellisRequestContext.self)
        router.add(middleware: ErrorEnvelopeMiddleware())
        _ = ServerMetrics.registry  // the metrics backend, before the middleware makes its counters
        router.add(middleware: MetricsMiddleware())
        HealthController(store: store).addRoutes(to: router)
        MetricsController(store: store).addRoutes(to: router)
        // Partners prove who they are by signature, not by a person's token.
        PartnerAnswerController(store: store).addRoutes(to: router)
        let signedIn = router.group("/v1").add(middleware: BearerAuthentication(store: store))
        AccountController().addRoutes(to: signedIn)
        ReferralController(store: store).addRoutes(to: signedIn)
        ReportController(store: store).addRoutes(to: signedIn)
        AuditController(store: store).addRoutes(to: signedIn)
        if let matching = parts.matching {
            MatchController(matching: matching, store: store).addRoutes(to: signedIn)
            ServiceController(matching: matching, store: store).addRoutes(to: signedIn)
            if let uploads = parts.uploads {
                DirectoryController(store: store, matching: matching, uploads: uploads).addRoutes(to: signedIn)
            }
        }
        return router
    }

    public static func router(store: any TrellisStore, matching: MatchingService? = nil) -> Router<TrellisRequestContext> {
        router(TrellisServerParts(store: store, matching: matching))
    }

    public static func make(_ parts: TrellisServerParts, host: String = "127.0.0.1", port: Int,
                            services: [any Service] = [], logger: Logger,
                            onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(router: router(parts), configuration: .init(address: .hostname(host, port: port), serverName: "trellis"),
                    services: services, onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }

    public static func make(store: any TrellisStore, matching: MatchingService? = nil, host: String = "127.0.0.1", port: Int,
                            services: [any Service] = [], logger: Logger,
                            onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        make(TrellisServerParts(store: store, matching: matching), host: host, port: port, services: services, logger: logger, onRunning: onRunning)
    }
}
