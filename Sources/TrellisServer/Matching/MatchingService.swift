import Synchronization
public import TrellisMatching
public import TrellisStore

/// The matcher and the directory index the server ranks against. The index is built from the stored
/// directory and can be swapped whole (after an import) while readers keep the one they hold.
public final class MatchingService: Sendable {
    public let matcher: Matcher
    private let current: Mutex<DirectoryIndex>

    public init(matcher: Matcher, index: DirectoryIndex) {
        self.matcher = matcher
        self.current = Mutex(index)
    }

    /// Builds the index from the directory stored in `store`.
    public static func load(from store: any TrellisStore, matcher: Matcher) async throws -> MatchingService {
        MatchingService(matcher: matcher, index: DirectoryIndex(services: try await store.storedServices()))
    }

    public var index: DirectoryIndex { current.withLock { $0 } }

    public func replace(_ index: DirectoryIndex) { current.withLock { $0 = index } }
}
