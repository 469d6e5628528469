import Foundation
public import Hummingbird
public import Logging
public import ServiceLifecycle
public import TrellisStore

/// The Trellis service: its routes over the store, with the services that run beside it (the
/// delivery worker, the status poller) in one service group, stopped gracefully together.
public enum TrellisApplication {
    public static func router(store: any TrellisStore, matching: MatchingService? = nil) -> Router<TrellisRequestContext> {
        let router = Router(context: TrellisRequestContext.self)
        router.add(middleware: ErrorEnvelopeMiddleware())
        HealthController(store: store).addRoutes(to: router)
        // Partners prove who they are by signature, not by a person's token.
        PartnerAnswerController(store: store).addRoutes(to: router)
        let signedIn = router.group("/v1").add(middleware: BearerAuthentication(store: store))
        AccountController().addRoutes(to: signedIn)
        if let matching { MatchController(matching: matching, store: store).addRoutes(to: signedIn) }
        return router
    }

    public static func make(store: any TrellisStore, matching: MatchingService? = nil, host: String = "127.0.0.1", port: Int,
                            services: [any Service] = [], logger: Logger,
                            onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(router: router(store: store, matching: matching), configuration: .init(address: .hostname(host, port: port), serverName: "trellis"),
                    services: services, onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }
}
