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

    @Test func everyIdFindsItsNameAndNoOtherIdDoes() {
        let catalog = ServiceCatalog(services: Self.directory, today: Self.today)
        for service in Self.directory { #expect(catalog.name(of: service.id) == service.name) }
        for missing in ["", "svc-", "svc-0300", "svc-00420", "SVC-0042", "zzz"] { #expect(catalog.name(of: missing) == nil, "\(missing)") }
        #expect(ServiceCatalog(services: [], today: Self.today).name(of: "svc-0001") == nil)
    }

    /// Search compares lower-cased texts (the query is lower-cased by the caller's `search`).
    @Test(arguments: [
        ("Harbor House", "harbor", true), ("Harbor House", "house", true), ("Harbor House", "r h", true), ("Harbor House", "harbour", false),
        ("HARBOR", "harbor", true), ("Harbor", "harbor house", false), ("Harbor", "", true), ("", "a", false),
        ("Café Comunitario", "café", true), ("CAFÉ", "café", true), ("Cafe", "café", false), ("Straße", "straße", true),
        ("BH-1800.8500", "bh-1800", true), ("bh-1800", "BH", false), ("[x]", "[x]", true),
    ])
    func searchIgnoresCase(text: String, needle: String, found: Bool) {
        #expect(SearchText.contains(text, needle) == found)
    }

    @Test func searchFindsAServiceByItsAgencyCategoryOrCode() {
        var service = Self.service(1, verified: Self.today)
        service.organizationName = "Riverbend Peer Network"
        service.taxonomyCodes = ["LR-8000.0500"]
        let catalog = ServiceCatalog(services: [service, Self.service(2, verified: Self.today)], today: Self.today)
        for query in ["peer network", "org-1", "lr-8000", "housing", "service 1"] {
            #expect(catalog.search(ServiceQuery(search: query)).ids.first == "svc-0001", "\(query)")
        }
        #expect(catalog.search(ServiceQuery(search: "no such words")).total == 0)
    }
}
