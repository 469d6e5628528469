public import TrellisCore

/// Services held in memory handed over as pages, the form `storeDirectory(pages:…)` takes.
public struct ServicePages: AsyncSequence, Sendable {
    public typealias Failure = any Error
    public static let pageSize = 500

    private let services: [Service]

    public init(_ services: [Service]) { self.services = services }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(services: services) }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let services: [Service]
        var start = 0

        public mutating func next() async throws -> [Service]? {
            guard start < services.count else { return nil }
            let end = Swift.min(start + ServicePages.pageSize, services.count)
            defer { start = end }
            return Array(services[start..<end])
        }
    }
}
