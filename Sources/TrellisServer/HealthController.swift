import Foundation
public import Hummingbird
public import TrellisStore

/// `/healthz`: the process answers. `/readyz`: the database answers and a directory is stored, so
/// referrals can be made; 503 otherwise, saying which.
public struct HealthController: Sendable {
    let store: any DirectoryRepository
    let health: DatabaseHealth?
    /// How many services matching and search hold (every stored directory, not only the newest import).
    let servedServices: @Sendable () -> Int?
    /// Pulled feeds: a failing one is shown (URL, last success, last error) while the last good directory serves.
    let feeds: FeedStatusBoard

    public init(store: any DirectoryRepository, health: DatabaseHealth? = nil, servedServices: @escaping @Sendable () -> Int? = { nil },
                feeds: FeedStatusBoard = FeedStatusBoard(feeds: [])) {
        self.store = store
        self.health = health
        self.servedServices = servedServices
        self.feeds = feeds
    }

    public func addRoutes(to router: Router<TrellisRequestContext>) {
        router.get("/healthz") { _, _ in JSONResponse.make(.ok, ["status": "ok"]) }
        router.get("/readyz") { _, context in
            let snapshot: DirectorySnapshot?
            if let health, !health.isReachable {
                return JSONResponse.make(.serviceUnavailable, ["status": "unavailable", "database": "unreachable"])
            }
            do { snapshot = try await store.latestSnapshot() } catch {
                context.logger.warning("readiness: the database does not answer", metadata: ["error.type": "\(type(of: error))"])
                return JSONResponse.make(.serviceUnavailable, ["status": "unavailable", "database": "unreachable"])
            }
            guard let snapshot else {
                return JSONResponse.make(.serviceUnavailable, ["status": "unavailable", "database": "ok",
                                                               "directory": "none imported (trellis directory import FILE --db URL)"])
            }
            var ready: [String: Any] = ["status": "ready", "database": "ok",
                                        "directory": ["snapshot": snapshot.id, "services": servedServices() ?? snapshot.serviceCount,
                                                      "snapshot_services": snapshot.serviceCount,
                                                      "imported_at": snapshot.importedAt.formatted(.iso8601)]]
            let feeds = self.feeds.all
            if !feeds.isEmpty { ready["feeds"] = feeds.map(\.fields) }
            return JSONResponse.make(.ok, ready)
        }
    }
}
