import Foundation
public import Logging
public import ServiceLifecycle
public import TrellisStore

/// Keeps this server's matching index on the stored directory when another server imports one (servers
/// sharing a database): every `interval` it compares the newest snapshot with the one it loaded, and
/// rebuilds the index and catalog when they differ.
public struct DirectoryWatcher: ServiceLifecycle.Service {
    let store: any DirectoryRepository
    let matching: MatchingService
    let interval: Duration
    let logger: Logger

    public init(store: any DirectoryRepository, matching: MatchingService, interval: Duration = .seconds(15), logger: Logger) {
        self.store = store
        self.matching = matching
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            guard !Task.isShuttingDownGracefully else { return }
            do { try await checkNow() } catch {
                logger.warning("could not check for a new directory", metadata: ["error.type": "\(type(of: error))"])
            }
        }
    }

    /// Reloads when the stored directory is newer than the one in use; true when it did.
    @discardableResult
    public func checkNow() async throws -> Bool {
        guard let latest = try await store.latestSnapshot(), latest.id != matching.snapshotID else { return false }
        try await matching.reload(from: store)
        logger.info("directory reloaded: another server imported one", metadata: ["directory.snapshot": "\(latest.id)",
                                                                                   "directory.services": "\(latest.serviceCount)"])
        return true
    }
}
