import ServiceLifecycle

/// Gives freed memory back to the system every `interval`, for as long as the server runs.
struct MallocTrimmer: ServiceLifecycle.Service {
    var interval: Duration = .seconds(60)

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            MallocArenas.trim()
        }
    }
}
