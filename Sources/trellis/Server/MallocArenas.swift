import Foundation
#if canImport(CMalloc)
import CMalloc
#endif

/// glibc's allocator keeps memory that was freed for reuse rather than giving it back, and with many
/// threads (NIO, the delivery worker's curl threads, SQLite's readers) spread over many arenas it
/// keeps more. A busy server's resident memory then climbs for tens of minutes as if it leaked:
/// measured under the soak, 10 MB in use against 23 MB held, and one `malloc_trim` took resident
/// memory from 29 to 16 MB of heap. So the server uses two arenas, and trims them every minute.
/// MALLOC_ARENA_MAX, when set, wins over the first.
enum MallocArenas {
    static func limit(to count: Int32 = 2, environment: [String: String] = ProcessInfo.processInfo.environment) {
        #if canImport(CMalloc)
        guard environment["MALLOC_ARENA_MAX"] == nil else { return }
        _ = trellis_limit_malloc_arenas(count)
        #endif
    }

    static func trim() {
        #if canImport(CMalloc)
        _ = trellis_malloc_trim()
        #endif
    }
}
