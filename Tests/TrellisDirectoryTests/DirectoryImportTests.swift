import Foundation
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
}
