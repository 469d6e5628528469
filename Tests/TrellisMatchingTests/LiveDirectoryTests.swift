import Testing
@testable import TrellisMatching

/// The server keeps what one directory builds (its index and the catalog beside it) in one
/// LiveDirectory, so a reader never holds parts of two directories.
@Suite struct LiveDirectoryTests {
    struct Built: Sendable {
        let index: DirectoryIndex
        let label: String
    }

    @Test func partsBuiltTogetherAreSwappedTogether() async throws {
        let live = LiveDirectory(Built(index: DirectoryIndex(services: [Build.service("OLD")]), label: "OLD"))
        let matcher = Build.matcher()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<200 {
                        let held = live.snapshot
                        let ids = Build.ids(try matcher.match(Build.profile(), in: held.index))
                        #expect(ids == [held.label])
                    }
                }
            }
            group.addTask {
                live.replace(with: Built(index: DirectoryIndex(services: [Build.service("NEW")]), label: "NEW"))
            }
            try await group.waitForAll()
        }
        #expect(live.snapshot.label == "NEW")
        #expect(Build.ids(try matcher.match(Build.profile(), in: live.snapshot.index)) == ["NEW"])
    }
}
