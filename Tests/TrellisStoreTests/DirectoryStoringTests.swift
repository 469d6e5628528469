import Crypto
import Foundation
import PropertyBased
import Testing
import TrellisCore
@testable import TrellisStore

/// Storing an import a page at a time, against a model of what an import does written the plain way:
/// the whole stored directory and the whole import in memory, changes counted, a source's missing
/// services withdrawn unless that is too large a share of what the source held.
@Suite struct DirectoryStoringTests {
    typealias H = StoreHarness
    static let admin = AuditContext(actor: "admin-1", purpose: "operations")

    @Test(arguments: AuditBackend.allCases)
    func pagedImportsAgreeWithTheModelOverRandomSequencesOfImports(_ backend: AuditBackend) async throws {
        await propertyCheck(count: 6, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            var rng = SplitMix64(seed: UInt64(seed))
            try await H.with(backend) { _, store in
                var model = DirectoryModel()
                for step in 0..<8 {
                    let change = RandomImport(&rng, step: step)
                    let expected = model.applying(change)
                    let outcome: Result<DirectoryChanges, StoreError>
                    do {
                        let snapshot = try await store.storeDirectory(pages: change.pages(&rng), files: [change.file], source: change.source,
                                                                      replacement: change.replacement, context: Self.admin)
                        outcome = .success(try #require(snapshot.changes))
                        #expect(snapshot.serviceCount == change.services.count)
                    } catch let error as StoreError {
                        outcome = .failure(error)
                    }
                    #expect(outcome == expected.outcome, "seed \(seed), import \(step)")
                    if case .success = expected.outcome { model = expected.model }
                    // What is in force, and what every id reads as (withdrawn ones too).
                    let inForce = try await store.storedServices().filter { $0.id.hasPrefix("pool-") }
                    #expect(Set(inForce.map(\.id)) == model.inForce, "seed \(seed), import \(step)")
                    for service in inForce { #expect(service.name == model.rows[service.id]?.service.name) }
                }
            }
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func anIdGivenTwiceAcrossPagesIsRefusedAndNothingIsStored(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let first = H.service("pool-1", "ORG-A", NeedCategory(.peerSupport, nil))
            var again = first
            again.name = "Another copy"
            let pages = [[first, H.service("pool-2", "ORG-A", NeedCategory(.housing, nil))], [again]]
            await #expect(throws: StoreError.invalid(field: "id", reason: "a service is given twice in one import")) {
                try await store.storeDirectory(pages: ListedPages(pages: pages), files: ["twice.json"], source: "a",
                                               replacement: .addAndUpdate, context: Self.admin)
            }
            // Within one page it is named at once.
            await #expect(throws: StoreError.invalid(field: "id", reason: "service pool-1 is given twice in one import")) {
                try await store.storeDirectory(pages: ListedPages(pages: [pages[0] + pages[1]]), files: ["twice.json"], source: "a",
                                               replacement: .addAndUpdate, context: Self.admin)
            }
            let latest = try await store.latestSnapshot()
            let second = try await store.service(id: "pool-2")
            #expect(latest?.files == ["test.json"])
            #expect(second == nil)
        }
    }
}

extension DirectoryStoringTests {
    @Test func afterABulkWriteSQLiteGivesItsLogBack() async throws {
        try await H.with(.sqlite) { harness, store in
            let sqlite = try #require(store as? SQLiteStore)
            let services = (0..<300).map { H.service("pool-\($0)", "ORG-A", NeedCategory(.housing, nil)) }
            _ = try await store.storeDirectory(services, files: ["many.json"], source: "a", replacement: .addAndUpdate, context: Self.admin)
            let log = harness.databasePath + "-wal"
            let before = try #require(try FileManager.default.attributesOfItem(atPath: log)[.size] as? Int)
            #expect(before > 0)
            await sqlite.database.reclaimLog()
            #expect(try FileManager.default.attributesOfItem(atPath: log)[.size] as? Int == 0)
            // Everything is still there, and the store goes on writing.
            #expect(try await store.storedServices().count == 303)
            _ = try await store.storeDirectory(Array(services.prefix(1)), files: ["one.json"], source: "b", replacement: .addAndUpdate, context: Self.admin)
            #expect(try await store.service(id: "pool-0") != nil)
        }
    }
}

extension DirectoryStoringTests {
    /// A stored service's fingerprint stays what it was when `JSONEncoder` wrote the content: stored
    /// fingerprints compare equal across versions, so an unchanged record is never counted as updated.
    @Test(arguments: ["Plain", "quote \" backslash \\ slash / tab\t", "Café 中文 🏠", "\u{1}\u{7F}"])
    func aFingerprintIsTheHashOfTheContentAsJSONEncoderWritesIt(name: String) throws {
        var service = H.service("svc-\(name.utf8.count)", "ORG-A", NeedCategory(.housing, "emergency_shelter"))
        service.name = name
        service.description = name + " description"
        service.locations = [Location(name: name, address: Address(city: "Omaha", state: "NE"), coordinate: Coordinate(latitude: 41.25, longitude: -95.93))]
        service.areasServed = [.county("Douglas", state: "NE"), .radius(center: Coordinate(latitude: 41.2, longitude: -96)!, kilometres: 12.5)]
        service.provenance.file = "week-\(name.count).xml"
        service.provenance.line = 1234
        var content = service
        content.provenance.file = ""
        content.provenance.line = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let expected = SHA256.hash(data: try encoder.encode(content)).map { String(format: "%02x", $0) }.joined()
        #expect(DirectorySources.fingerprint(service) == expected)
        #expect(DirectoryDocuments.encode([service]) == [String(decoding: try encoder.encode(service), as: UTF8.self)])
    }
}

/// Pages given as they are.
struct ListedPages: AsyncSequence {
    typealias Failure = any Error
    let pages: [[Service]]

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pages: pages[...]) }

    struct AsyncIterator: AsyncIteratorProtocol {
        var pages: ArraySlice<[Service]>
        mutating func next() async throws -> [Service]? { pages.popFirst() }
    }
}

/// One import: a random part of a pool of 40 ids, under a named source or the records' own (two
/// sources, so services move between them), some renamed, all from a new file, with random
/// replacement settings and a few rejected records kept.
struct RandomImport {
    let file: String
    let source: String?
    let services: [Service]
    let replacement: DirectoryReplacement

    init(_ rng: inout SplitMix64, step: Int) {
        file = "import-\(step).xml"
        source = [nil, "src-a", "src-b"][rng.int(below: 3)]
        services = (0..<40).filter { _ in rng.int(below: 10) < 8 }.map { n in
            var service = DirectoryStoringTests.H.service("pool-\(n)", "ORG-\(n % 3)", NeedCategory(.peerSupport, nil))
            service.name = "Service \(n), version \(rng.int(below: 2))"
            service.provenance.source = ["src-a", "src-b"][rng.int(below: 4) == 0 ? 1 : 0]
            service.provenance.file = "import-\(step).xml"
            service.provenance.line = rng.int(below: 1000)
            return service
        }.shuffled(using: &rng)
        replacement = DirectoryReplacement(replaceSource: rng.int(below: 3) > 0, maxWithdrawalShare: [0.2, 0.5, 1][rng.int(below: 3)],
                                           allowMassWithdrawal: rng.int(below: 5) == 0,
                                           keeping: Set((0..<rng.int(below: 3)).map { _ in "pool-\(rng.int(below: 40))" }))
    }

    /// The services cut into pages of random sizes (empty ones too).
    func pages(_ rng: inout SplitMix64) -> ListedPages {
        var pages: [[Service]] = []
        var rest = services[...]
        while !rest.isEmpty {
            let size = rng.int(below: 12)
            pages.append(Array(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        return ListedPages(pages: pages)
    }
}

/// What the store should hold, written the plain way.
struct DirectoryModel {
    struct Row { var service: Service; var source: String; var withdrawn: Bool }
    var rows: [String: Row] = [:]

    var inForce: Set<String> { Set(rows.filter { !$0.value.withdrawn }.map(\.key)) }

    /// The import's changes or its refusal, and the directory after it (unchanged when refused).
    func applying(_ change: RandomImport) -> (outcome: Result<DirectoryChanges, StoreError>, model: DirectoryModel) {
        var changes = DirectoryChanges()
        var after = self
        let sources = change.services.map { change.source ?? $0.provenance.source }
        for (service, source) in zip(change.services, sources) {
            if let before = rows[service.id], !before.withdrawn {
                if Self.content(before.service) == Self.content(service) && before.source == source { changes.unchanged += 1; continue }
                changes.updated += 1
            } else {
                changes.added += 1
            }
            after.rows[service.id] = Row(service: service, source: source, withdrawn: false)
        }
        guard change.replacement.replaceSource else { return (.success(changes), after) }
        let importing = Set(change.services.map(\.id))
        for source in Set(change.source.map { [$0] } ?? sources).sorted() {
            let active = rows.filter { !$0.value.withdrawn && $0.value.source == source }.map(\.key)
            let gone = active.filter { !importing.contains($0) && !change.replacement.keeping.contains($0) }
            let r = change.replacement
            if !gone.isEmpty && !r.allowMassWithdrawal && (active.isEmpty || Double(gone.count) > r.maxWithdrawalShare * Double(active.count)) {
                return (.failure(.massWithdrawal(source: source, withdrawing: gone.count, active: active.count, maxShare: r.maxWithdrawalShare)), self)
            }
            for id in gone { after.rows[id]?.withdrawn = true }
            changes.withdrawn += gone.count
        }
        return (.success(changes), after)
    }

    /// A record's content: where it was read from does not change it.
    static func content(_ service: Service) -> Service {
        var content = service
        content.provenance.file = ""
        content.provenance.line = 0
        return content
    }
}
