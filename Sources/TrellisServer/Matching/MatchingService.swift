import Synchronization
public import TrellisCore
public import TrellisMatching
public import TrellisStore

/// The matcher with the directory the server ranks and searches: the matching index and the service
/// catalog, both built from the stored directory and swapped together (after an upload) while
/// readers keep the ones they hold.
public final class MatchingService: Sendable {
    /// What one stored directory builds: swapped as one through the matcher's ``LiveDirectory``.
    struct Built: Sendable {
        let index: DirectoryIndex
        let catalog: ServiceCatalog
        let snapshotID: Int64?
    }

    private let current: LiveDirectory<Built>
    private let configured: Mutex<Matcher>
    /// A matcher made for today follows the calendar (freshness counts from the current day, however
    /// long the server runs); one fixed to another day (tests, reproductions) stays there.
    private let followsCalendar: Bool

    public convenience init(matcher: Matcher, services: [Service], snapshotID: Int64? = nil) {
        self.init(matcher: matcher, built: Self.build(services, today: matcher.today, snapshotID: snapshotID))
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
        return MatchingService(matcher: matcher, built: try await build(from: store, today: matcher.today, snapshotID: snapshot))
    }

    public var index: DirectoryIndex { current.snapshot.index }
    public var catalog: ServiceCatalog { current.snapshot.catalog }
    /// The stored directory snapshot the index was built from.
    public var snapshotID: Int64? { current.snapshot.snapshotID }

    /// Rebuilds both from what `store` holds now (after a directory import) and swaps them in.
    public func reload(from store: any DirectoryRepository) async throws {
        let snapshot = try await store.latestSnapshot()?.id
        current.replace(with: try await Self.build(from: store, today: matcher.today, snapshotID: snapshot))
    }

    private init(matcher: Matcher, built: Built) {
        configured = Mutex(matcher)
        followsCalendar = matcher.today == CalendarDay.today
        current = LiveDirectory(built)
    }

    /// Both built from the stored directory a page at a time: only what each keeps of a service is
    /// held, never the full records (the server's memory is the index and the catalog, not the directory).
    static func build(from store: any DirectoryRepository, today: CalendarDay, snapshotID: Int64?) async throws -> Built {
        var index = DirectoryIndex.Builder()
        var catalog = ServiceCatalog.Builder(today: today)
        try await store.forEachStoredService { service in
            index.add(service)
            catalog.add(service)
        }
        return Built(index: index.build(), catalog: catalog.build(), snapshotID: snapshotID)
    }

    static func build(_ services: [Service], today: CalendarDay, snapshotID: Int64?) -> Built {
        Built(index: DirectoryIndex(services: services), catalog: ServiceCatalog(services: services, today: today),
              snapshotID: snapshotID)
    }
}
