import Dispatch
import Foundation
import Synchronization
import TrellisCore
import TrellisDirectory
import TrellisStore

/// An import's services read from its files a second time, on a thread of their own, and handed to the
/// store a page at a time with at most two pages waiting: storing a national directory holds a few
/// pages, not the directory. The first reading (the report, the counts) told which copy of each
/// repeated id the merge keeps; only that one is passed on, so the pages hold each id once.
struct RereadPages: AsyncSequence {
    typealias Element = [Service]
    typealias Failure = any Error

    private let files: [String]
    private let reader: DirectoryReader
    private let lastCopies: LastCopies
    private let expected: Int

    /// `expected` is how many distinct services the first reading found.
    init(files: [String], reader: DirectoryReader, lastCopies: LastCopies, expected: Int) {
        self.files = files
        var reader = reader
        reader.schemaPath = nil  // validated on the first reading
        self.reader = reader
        self.lastCopies = lastCopies
        self.expected = expected
    }

    /// Starts reading the files again.
    func makeAsyncIterator() -> AsyncIterator {
        let feed = Feed()
        let (pages, continuation) = AsyncThrowingStream.makeStream(of: [Service].self)
        continuation.onTermination = { _ in feed.stop() }
        let (files, reader, lastCopies, expected) = (files, reader, lastCopies, expected)
        let thread = Thread {
            var sink = PagingSink(lastCopies: lastCopies) { page in
                guard feed.waitForRoom() else { return }
                continuation.yield(page)
            }
            for path in files { _ = reader.read(path: path, into: &sink) }
            sink.flush()
            sink.progress.finish()
            if sink.passed == expected {
                continuation.finish()
            } else {
                continuation.finish(throwing: RereadError(expected: expected, found: sink.passed))
            }
        }
        // libxml2 and the mapping recurse: the main thread's 8 MB, not a secondary thread's default.
        thread.stackSize = 8 << 20
        thread.start()
        return AsyncIterator(base: pages.makeAsyncIterator(), feed: feed)
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<[Service], any Error>.AsyncIterator
        let feed: Feed

        mutating func next() async throws -> [Service]? {
            let page = try await base.next()
            if page != nil { feed.madeRoom() }
            return page
        }
    }

    /// Two pages may wait; the reading thread waits for room, and stops passing pages once the store
    /// has stopped taking them (it failed, or the import was abandoned).
    final class Feed: Sendable {
        private let room = DispatchSemaphore(value: 2)
        private let stopped = Atomic(false)

        func waitForRoom() -> Bool {
            // Once stopped, never wait: `stop` signals once, for a wait already begun.
            guard !stopped.load(ordering: .acquiring) else { return false }
            room.wait()
            return !stopped.load(ordering: .acquiring)
        }

        func madeRoom() { room.signal() }

        func stop() {
            stopped.store(true, ordering: .releasing)
            room.signal()
        }
    }
}

/// The files held other services the second time they were read: they changed during the import.
struct RereadError: Error, CustomStringConvertible {
    let expected: Int
    let found: Int

    var description: String {
        "the files changed while they were being stored (\(expected) services when read, \(found) when read again); nothing was stored"
    }
}

/// Gathers the copies the merge keeps into pages.
private struct PagingSink: DirectorySink {
    var lastCopies: LastCopies
    let emit: ([Service]) -> Void
    var page: [Service] = []
    var passed = 0
    var progress = Progress("storing")

    init(lastCopies: LastCopies, emit: @escaping ([Service]) -> Void) {
        self.lastCopies = lastCopies
        self.emit = emit
        page.reserveCapacity(ServicePages.pageSize)
    }

    mutating func add(_ organization: Organization) {}

    mutating func add(_ service: Service) {
        guard lastCopies.isLast(service) else { return }
        page.append(service)
        passed += 1
        progress.update(passed)
        if page.count == ServicePages.pageSize { flush() }
    }

    mutating func flush() {
        guard !page.isEmpty else { return }
        emit(page)
        page.removeAll(keepingCapacity: true)
    }
}
