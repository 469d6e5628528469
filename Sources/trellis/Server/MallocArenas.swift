import Foundation
#if canImport(CMalloc)
import CMalloc
#endif

/// glibc's allocator gives threads that contend for it arenas of their own, up to eight per core, and
/// returns little of their memory. A server of some thirty threads (NIO, the delivery worker's curl
/// threads, SQLite's readers) then grows its resident memory in steps of tens of MB that look like a
/// leak. Two arenas keep it flat at no measured cost in throughput. MALLOC_ARENA_MAX, when set, wins.
enum MallocArenas {
    static func limit(to count: Int32 = 2, environment: [String: String] = ProcessInfo.processInfo.environment) {
        #if canImport(CMalloc)
        guard environment["MALLOC_ARENA_MAX"] == nil else { return }
        _ = trellis_limit_malloc_arenas(count)
        #endif
    }
}
