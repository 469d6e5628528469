import Synchronization
public import TrellisCore
public import TrellisMatching
public import TrellisStore

/// The matcher with the directory the server ranks and searches: the matching index and the service
/// catalog, both built from the stored directory and swapped together (after an upload) while
/// readers keep the ones they hold.
public final class MatchingService: Sendable {
    private let current: Mutex<(index: DirectoryIndex, catalog: ServiceCatalog, snapshot: Int64?)>
    private let configured: Mutex<Matcher>
    /// A matcher made for today follows the calendar (freshness counts from the current day, however
    /// long the server runs); one fixed to another day (tests, reproductions) stays there.
    private let followsCalendar: Bool

    public init(matcher: Matcher, services: [Service], snapshotID: Int64? = nil) {
        configured = Mutex(matcher)
        followsCalendar = matcher.today == CalendarDay.today
        let built = Self.build(services, today: matcher.today)
        current = Mutex((built.index, built.catalog, snapshotID))
    }

    /// The matcher, with "today" moved on when the day has changed since it was made.
    public var matcher: Matcher {
        configured.withLock { matcher in
            if followsCalendar, case let today = CalendarDay.today, today != matcher.today { matcher.today = today }
            return matcher
        }
    }

    /// Builds the index and catalog from the directory stored in `store`.
    public static func load(from store: any DirectoryRepository, matcher: Matcher) async throws -> MatchingService {
        // The snapshot is read first: an import landing in between makes the watcher load it again.
        let snapshot = try await store.latestSnapshot()?.id
        return MatchingService(matcher: matcher, services: try await store.storedServices(), snapshotID: snapshot)
    }

    public var index: DirectoryIndex { current.withLock { $0.index } }
    public var catalog: ServiceCatalog { current.withLock { $0.catalog } }
    /// The stored directory snapshot the index was built from.
    public var snapshotID: Int64? { current.withLock { $0.snapshot } }

    /// Rebuilds both from what `store` holds now (after a directory import) and swaps them in.
    public func reload(from store: any DirectoryRepository) async throws {
        let snapshot = try await store.latestSnapshot()?.id
        let built = Self.build(try await store.storedServices(), today: matcher.today)
        current.withLock { $0 = (built.index, built.catalog, snapshot) }
    }

    static func build(_ services: [Service], today: CalendarDay) -> (index: DirectoryIndex, catalog: ServiceCatalog) {
        (DirectoryIndex(services: services), ServiceCatalog(services: services, today: today))
    }
}
