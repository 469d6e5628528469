import Foundation
import NIOPosix
import Synchronization

/// Sends HTTP requests with libcurl on threads of its own, so a partner that hangs for the whole
/// time limit never blocks Swift's cooperative pool. Easy handles are kept per partner and reused,
/// so each partner's connections stay alive between referrals.
public final class CurlClient: Sendable {
    private let threads: NIOThreadPool
    private let idle = Mutex<[String: [CurlHandle]]>([:])

    /// `concurrency`: how many requests may be in flight at once (one thread each).
    public init(concurrency: Int = 8) {
        threads = NIOThreadPool(numberOfThreads: max(1, concurrency))
        threads.start()
    }

    /// Sends `request`, reusing a connection kept for `connectionKey` (a partner id) when there is one.
    public func send(_ request: OutgoingRequest, settings: TransportSettings, connectionKey: String) async throws -> IncomingResponse {
        guard let scheme = request.url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw TransportError(.refused, "only http and https are allowed, not \(request.url.scheme ?? "no scheme")")
        }
        let handle = idle.withLock { $0[connectionKey]?.popLast() } ?? CurlHandle()
        let result = try await threads.runIfActive { handle.perform(request, settings: settings) }
        idle.withLock { $0[connectionKey, default: []].append(handle) }
        return try result.get()
    }

    /// Stops the threads once the requests in flight are answered.
    public func shutdown() async throws {
        try await threads.shutdownGracefully()
        idle.withLock { $0 = [:] }
    }
}
