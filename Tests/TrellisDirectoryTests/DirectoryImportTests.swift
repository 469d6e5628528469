import Foundation
import PropertyBased
import Testing
import TrellisCore
@testable import TrellisDirectory

@Suite struct DirectoryImportTests {
    @Test func readingTheSameFileTwiceMergesByRecordKey() {
        var merged = DirectoryImport(keepsServices: true)
        let reader = DirectoryReader(taxonomy: Fixture.taxonomy)
        _ = reader.read(path: Fixture.path("airs31-namespaced.xml"), into: &merged)
        _ = reader.read(path: Fixture.path("airs31-namespaced.xml"), into: &merged)
        #expect(merged.serviceCount == 4)
        #expect(merged.duplicates == 4)
        #expect(merged.services.count == 4)
    }

    /// A record rejected with its key is still in the export: a full import must keep its service.
    @Test func aRejectedRecordWithAKeyNamesTheServiceItWouldHaveBeen() throws {
        let (report, sink) = Fixture.read("airs-rejects.xml")
        let source = try #require(report.source)
        #expect(report.rejectedServiceIDs == [StableID.service(source: source, key: "360104")])
        // The same id the record gets when it reads well.
        let read = try #require(sink.services.first { $0.provenance.recordKey == "360103" })
        #expect(read.id == StableID.service(source: source, key: "360103"))
    }

    @Test func formatsMixAndDomainsAreCounted() {
        var merged = DirectoryImport(keepsServices: false)
        let reader = DirectoryReader(taxonomy: Fixture.taxonomy)
        for name in ["airs31-namespaced.xml", "hsds-array.json", "hsds-service.json"] {
            _ = reader.read(path: Fixture.path(name), into: &merged)
        }
        #expect(merged.serviceCount == 8)
        #expect(merged.services.isEmpty, "without keepsServices only ids and domains are kept")
        let counts = merged.domainCounts
        #expect(counts[.employment, default: 0] >= 2)
        #expect(counts[.faith] == 1)
        #expect(counts.values.reduce(0, +) >= 8)
    }

    @Test func statisticsFindStaleRecordsAndMissingCapacity() throws {
        var stats = DirectoryStatistics(asOf: try #require(CalendarDay(year: 2026, month: 11, day: 22)))
        _ = DirectoryReader(taxonomy: Fixture.taxonomy).read(path: Fixture.path("airs31-namespaced.xml"), into: &stats)
        #expect(stats.services == 4)
        #expect(stats.stale == 4, "every record there was verified before November 2025")
        #expect(stats.withoutCapacity == 4)
        #expect(stats.byCounty.values.reduce(0, +) == 4)
    }

    /// AIRS writes "Douglas" in a state, HSDS "DOUGLAS COUNTY" or "Douglas, Nebraska": one row each.
    @Test func statisticsCountOneCountyOnceHoweverItIsWritten() throws {
        var stats = DirectoryStatistics(asOf: try #require(CalendarDay(year: 2026, month: 11, day: 22)))
        let written: [(String, String?)] = [("Douglas", "NE"), ("DOUGLAS COUNTY", nil), ("Douglas, Nebraska", nil), ("douglas", nil),
                                            ("Sarpy", "NE"), ("Sarpy County", nil), ("Douglas County", "OR")]
        for (i, (county, state)) in written.enumerated() {
            stats.add(Service(id: "S\(i)", name: "Service \(i)", organizationID: "O", organizationName: "Org",
                              categories: [NeedCategory(.housing, "emergency_shelter")],
                              locations: [Location(address: Address(county: county, state: state))],
                              provenance: Provenance(format: .hsds, source: "test", file: "t.json", recordKey: "S\(i)", line: 1)))
        }
        // The bare "Douglas"es: two states have one, so they stay apart from both.
        #expect(stats.byCounty == ["Douglas, NE": 2, "Douglas": 2, "Sarpy, NE": 2, "Douglas, OR": 1])
        #expect(stats.byCountyAndDomain["Sarpy, NE"]?[.housing] == 2)
    }

    @Test func statisticsJoinABareCountyToTheOneStateThatHasIt() throws {
        var stats = DirectoryStatistics(asOf: try #require(CalendarDay(year: 2026, month: 11, day: 22)))
        for (i, (county, state)) in [("Douglas", "NE"), ("Douglas", nil), ("Sarpy", nil), ("Sarpy", "ne")].enumerated() {
            stats.add(Service(id: "S\(i)", name: "Service \(i)", organizationID: "O", organizationName: "Org",
                              areasServed: [.county(county, state: state)],
                              provenance: Provenance(format: .airs, source: "test", file: "t.xml", recordKey: "S\(i)", line: 1)))
        }
        #expect(stats.byCounty == ["Douglas, NE": 2, "Sarpy, NE": 2])
    }

    /// Without the services kept, ids are told apart by digest: counts, duplicates and per-domain
    /// counts (a later copy's domains replace the earlier's) agree with a table of the ids themselves.
    @Test func countsWithoutServicesAgreeWithATableOfIds() async {
        await propertyCheck(count: 50, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            var rng = SplitMix64(seed: UInt64(seed))
            var merged = DirectoryImport(keepsServices: false)
            var reference: [String: Set<NeedDomain>] = [:]
            var duplicates = 0
            for _ in 0..<(1 + rng.int(below: 400)) {
                // Ids from a small pool, some differing only in case or by a suffix, so copies recur.
                let id = ["svc-\(rng.int(below: 150))", "SVC-\(rng.int(below: 5))", "svc-\(rng.int(below: 5))x", ""][rng.int(below: 4)]
                let domains = NeedDomain.allCases.filter { _ in rng.int(below: 4) == 0 }
                let service = Service(id: id, name: "n", organizationID: "o", organizationName: "o",
                                      categories: domains.map { NeedCategory($0) },
                                      provenance: Provenance(format: .hsds, source: "s", file: "f.json", recordKey: id, line: 1))
                merged.add(service)
                if reference.updateValue(Set(domains), forKey: id) != nil { duplicates += 1 }
            }
            #expect(merged.serviceCount == reference.count)
            #expect(merged.duplicates == duplicates)
            for domain in NeedDomain.allCases {
                #expect(merged.domainCounts[domain] == reference.values.filter { $0.contains(domain) }.count)
            }
        }
    }
}
