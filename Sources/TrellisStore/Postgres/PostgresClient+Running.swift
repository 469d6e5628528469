public import PostgresNIO

extension PostgresClient {
    /// Starts `run()` in a task and returns once it has begun. `run()` marks the pool as running before
    /// its first suspension, so queries made after this return do not warn that `run()` was not called.
    public func runInBackground() async -> Task<Void, Never> {
        let (started, starting) = AsyncStream<Void>.makeStream()
        let runner = Task {
            starting.finish()
            await run()
        }
        for await _ in started {}
        return runner
    }
}
