import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// Capacity from the agencies: the newer of the import's figures and an agency's report is what the
/// directory gives, on both backends.
@Suite struct CapacityReportTests {
    typealias H = StoreHarness

    @Test(arguments: AuditBackend.allCases)
    func anAgencysReportReplacesOlderImportedFigures(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            var imported = H.shelter
            imported.capacity = Capacity(available: 0, maximum: 40, waitlist: 12, updated: CalendarDay(year: 2026, month: 10, day: 1))
            _ = try await store.storeDirectory([imported, H.ips], files: ["test.json"], source: nil, replacement: .addAndUpdate, context: H.caseWorker())
            let desk = AuditContext(actor: "ag-1", purpose: "operations", now: H.at("2026-12-03T10:00:00Z"))
            let reported = try await store.reportCapacity(serviceID: H.shelter.id, available: 3, waitlist: nil, context: desk)
            let expected = Capacity(available: 3, maximum: 40, waitlist: nil, updated: CalendarDay(year: 2026, month: 12, day: 3))
            #expect(reported.capacity == expected)
            #expect(try await store.service(id: H.shelter.id)?.capacity == expected)
            #expect(try await store.storedServices().first { $0.id == H.shelter.id }?.capacity == expected)
            #expect(try await store.services(ofOrganizations: ["ORG-SHELTER"]).map(\.capacity) == [expected])
            let record = try #require(try await store.audit.head()).event
            #expect(record.entity == "service" && record.entityID == H.shelter.id && record.actor == "ag-1")
            // An import dated after the report wins again.
            imported.capacity?.updated = CalendarDay(year: 2026, month: 12, day: 5)
            _ = try await store.storeDirectory([imported], files: ["later.json"], source: nil, replacement: .addAndUpdate, context: H.caseWorker())
            #expect(try await store.service(id: H.shelter.id)?.capacity == imported.capacity)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aReportForAServiceNotInTheDirectoryIsRefused(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            await #expect(throws: StoreError.serviceNotFound("svc-none")) {
                try await store.reportCapacity(serviceID: "svc-none", available: 1, waitlist: 0, context: H.caseWorker())
            }
        }
    }
}
