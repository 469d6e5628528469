import Foundation
import Testing
import TrellisCore
@testable import TrellisServer

/// The catalog is built one service at a time (the server reads the stored directory page by page):
/// whatever order the services come in, it holds one entry per id and the same health figures.
@Suite struct ServiceCatalogTests {
    static let today = CalendarDay(year: 2026, month: 12, day: 7)!

    static func service(_ number: Int, verified: CalendarDay?) -> Service {
        Service(id: String(format: "svc-%04d", number), name: "Service \(number)", organizationID: "ORG-\(number % 9)",
                organizationName: number % 9 == 0 ? "" : "Agency \(number % 9)", categories: [NeedCategory(.housing, nil)],
                lastVerified: verified,
                provenance: Provenance(format: .hsds, source: "test", file: "test.json", recordKey: "\(number)", line: 1))
    }

    /// 300 services, every third verified this year; the rest stale (none reports capacity).
    static let directory = (0..<300).map { service($0, verified: $0 % 3 == 0 ? today : CalendarDay(year: 2024, month: 1, day: 2)!) }

    @Test(arguments: [0, 1, 2, 3])
    func theSameDirectoryInAnyOrderGivesTheSameCatalog(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        let shuffled = Self.directory.shuffled(using: &generator)
        let catalog = ServiceCatalog(services: shuffled, today: Self.today)
        #expect(catalog.count == 300)
        #expect(catalog.health.services == 300 && catalog.health.stale == 200 && catalog.health.withoutCapacity == 300)
        let staleIDs = Self.directory.filter { $0.lastVerified != Self.today }.map(\.id).sorted()
        #expect(catalog.health.staleExamples.map(\.serviceID) == Array(staleIDs.prefix(DirectoryHealth.examples)))
        #expect(catalog.health.withoutCapacityExamples.map(\.serviceID) == Self.directory.prefix(DirectoryHealth.examples).map(\.id))
        #expect(catalog.name(of: "svc-0042") == "Service 42")
        #expect(catalog.organizationName(of: "ORG-4") == "Agency 4")
        // An agency that names itself nowhere has no name to show (pages fall back to its id).
        #expect(catalog.organizationName(of: "ORG-0") == nil)
    }

    @Test func aRepeatedIdKeepsOneEntryWithTheLaterCopy() {
        var renamed = Self.service(7, verified: Self.today)
        renamed.name = "Renamed"
        let catalog = ServiceCatalog(services: Self.directory + [renamed], today: Self.today)
        #expect(catalog.count == 300 && catalog.health.services == 300)
        #expect(catalog.name(of: "svc-0007") == "Renamed")
        #expect(catalog.search(ServiceQuery(search: "renamed")).ids == ["svc-0007"])
    }
}
