import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// Full and partial imports on every backend: a source's services its new files no longer hold are
/// withdrawn, never matched again, still readable for the referrals that name them.
@Suite struct DirectoryReplacementTests {
    typealias H = StoreHarness
    static let admin = AuditContext(actor: "admin-1", purpose: "operations")

    static func county(_ count: Int) -> [Service] {
        (0..<count).map { H.service(String(format: "svc-bc-%02d", $0), "ORG-BC-\($0 % 4)", NeedCategory(.peerSupport, nil)) }
    }

    static func replace(maxShare: Double = DirectoryReplacement.defaultMaxWithdrawalShare, allowMass: Bool = false) -> DirectoryReplacement {
        DirectoryReplacement(replaceSource: true, maxWithdrawalShare: maxShare, allowMassWithdrawal: allowMass)
    }

    @Test(arguments: AuditBackend.allCases)
    func aFullImportWithdrawsWhatTheSourceNoLongerHoldsAndCountsEachChange(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let first = try await store.storeDirectory(Self.county(20), files: ["week1.xml"], source: "bc211", replacement: Self.replace(), context: Self.admin)
            #expect(first.changes == DirectoryChanges(added: 20))
            var next = Array(Self.county(20).dropLast())  // svc-bc-19 closed
            next[0].name = "Renamed peer circle"          // one record changed
            next.append(H.service("svc-bc-new", "ORG-BC-0", NeedCategory(.housing, nil)))
            for i in next.indices { next[i].provenance.file = "week2.xml" }  // another file: unchanged records stay unchanged
            let second = try await store.storeDirectory(next, files: ["week2.xml"], source: "bc211", replacement: Self.replace(), context: Self.admin)
            #expect(second.changes == DirectoryChanges(added: 1, updated: 1, unchanged: 18, withdrawn: 1))
            #expect(second.source == "bc211" && second.replacedSource)
            let latest = try #require(try await store.latestSnapshot())
            #expect(latest.id == second.id && latest.changes == second.changes && latest.source == "bc211" && latest.replacedSource)
            let inForce = Set(try await store.storedServices().map(\.id))
            #expect(!inForce.contains("svc-bc-19") && inForce.contains("svc-bc-new"))
            // The seeded services of another source ("test") are untouched.
            #expect(inForce.isSuperset(of: [H.shelter.id, H.ips.id, H.clinic.id]))
            #expect(inForce.count == 23)
            // Still readable for referrals that point at it.
            #expect(try await store.service(id: "svc-bc-19")?.name == "Service svc-bc-19")
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func withoutReplaceNothingIsWithdrawnAndAWithdrawnServiceComesBackAsAdded(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            _ = try await store.storeDirectory(Self.county(10), files: ["a.xml"], source: "bc211", replacement: .addAndUpdate, context: Self.admin)
            let partial = try await store.storeDirectory(Array(Self.county(10).prefix(9)), files: ["b.xml"], source: "bc211",
                                                         replacement: .addAndUpdate, context: Self.admin)
            #expect(partial.changes == DirectoryChanges(unchanged: 9))
            #expect(try await store.storedServices().count == 13)
            let full = try await store.storeDirectory(Array(Self.county(10).prefix(9)), files: ["c.xml"], source: "bc211",
                                                      replacement: Self.replace(), context: Self.admin)
            #expect(full.changes == DirectoryChanges(unchanged: 9, withdrawn: 1))
            let back = try await store.storeDirectory(Self.county(10), files: ["d.xml"], source: "bc211", replacement: Self.replace(), context: Self.admin)
            #expect(back.changes == DirectoryChanges(added: 1, unchanged: 9))
            #expect(try await store.storedServices().count == 13)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aTruncatedExportIsRefusedWithItsCountsUnlessMassWithdrawalIsAllowed(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            _ = try await store.storeDirectory(Self.county(20), files: ["full.xml"], source: "bc211", replacement: Self.replace(), context: Self.admin)
            let truncated = Array(Self.county(20).prefix(15))  // 5 of 20 gone: 25 %
            await #expect(throws: StoreError.massWithdrawal(source: "bc211", withdrawing: 5, active: 20, maxShare: 0.2)) {
                try await store.storeDirectory(truncated, files: ["cut.xml"], source: "bc211", replacement: Self.replace(), context: Self.admin)
            }
            // Nothing changed: no snapshot, every service still in force.
            #expect(try await store.latestSnapshot()?.files == ["full.xml"])
            #expect(try await store.storedServices().count == 23)
            // Exactly at the share is allowed; a larger share with the flag too.
            let four = try await store.storeDirectory(Array(Self.county(20).prefix(16)), files: ["16.xml"], source: "bc211",
                                                      replacement: Self.replace(), context: Self.admin)
            #expect(four.changes?.withdrawn == 4)
            let mass = try await store.storeDirectory(Array(Self.county(20).prefix(2)), files: ["2.xml"], source: "bc211",
                                                      replacement: Self.replace(allowMass: true), context: Self.admin)
            #expect(mass.changes?.withdrawn == 14)
            #expect(try await store.storedServices().count == 5)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aServiceWhoseRecordWasRejectedIsKeptNotWithdrawn(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            _ = try await store.storeDirectory(Self.county(10), files: ["a.xml"], source: "bc211", replacement: Self.replace(), context: Self.admin)
            var keeping = Self.replace()
            keeping.keeping = ["svc-bc-09"]  // in the export, but its record was rejected this time
            let snapshot = try await store.storeDirectory(Array(Self.county(10).prefix(8)), files: ["b.xml"], source: "bc211", replacement: keeping,
                                                          context: Self.admin)
            #expect(snapshot.changes == DirectoryChanges(unchanged: 8, withdrawn: 1))
            let inForce = Set(try await store.storedServices().map(\.id))
            #expect(inForce.contains("svc-bc-09") && !inForce.contains("svc-bc-08"))
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func withoutANamedSourceEachRecordsProviderIdIsReplaced(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            // The seed stored shelter, ips and clinic under their provenance source "test".
            let snapshot = try await store.storeDirectory([H.shelter, H.ips, H.clinic, H.service("svc-extra", "ORG-X", NeedCategory(.faith, nil))],
                                                          files: ["more.json"], source: nil, replacement: Self.replace(), context: Self.admin)
            #expect(snapshot.changes == DirectoryChanges(added: 1, unchanged: 3))
            let again = try await store.storeDirectory([H.shelter, H.ips, H.clinic, H.service("svc-other", "ORG-X", NeedCategory(.faith, nil))],
                                                       files: ["next.json"], source: nil, replacement: Self.replace(maxShare: 0.25), context: Self.admin)
            #expect(again.changes == DirectoryChanges(added: 1, unchanged: 3, withdrawn: 1))
            #expect(again.source == nil)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func openReferralsToAWithdrawnServiceAreFlaggedAndNoNewOneGoesToIt(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let open = try await store.createReferral(H.request(H.shelter), context: H.caseWorker())
            let toClinic = try await store.createReferral(H.request(H.clinic, ref: "P-2"), context: H.caseWorker())
            #expect(open.serviceWithdrawn == nil)
            _ = try await store.storeDirectory([H.ips, H.clinic], files: ["without-shelter.json"], source: "test",
                                               replacement: Self.replace(maxShare: 0.5), context: Self.admin)
            let read = try await store.referral(id: open.id, context: H.caseWorker())
            #expect(read.serviceWithdrawn == true && read.isOpenToWithdrawnService)
            let listed = try await store.referrals(ReferralFilter(limit: 10), context: H.caseWorker())
            #expect(listed.first { $0.id == open.id }?.serviceWithdrawn == true)
            #expect(listed.first { $0.id == toClinic.id }?.serviceWithdrawn == nil)
            // Its JSON gains the flag; a referral to a service in force keeps its keys as before.
            let json = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(read)) as? [String: Any]
            #expect(json?["service_withdrawn"] as? Bool == true)
            let other = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(toClinic)) as? [String: Any]
            #expect(other?.keys.contains("service_withdrawn") == false)
            await #expect(throws: StoreError.serviceWithdrawn(H.shelter.id)) {
                try await store.createReferral(H.request(H.shelter, ref: "P-3"), context: H.caseWorker())
            }
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func theMigrationNamesEachStoredServicesSourceFromItsProvenance(_ backend: AuditBackend) async throws {
        let harness = try StoreHarness(backend)
        defer { Task { await harness.close() } }
        try await harness.migrate(before: "store-10")
        var old = H.shelter
        old.provenance.source = "bc211"
        let document = String(decoding: try JSONEncoder().encode(old), as: UTF8.self).replacingOccurrences(of: "'", with: "''")
        try await harness.execute("INSERT INTO directory_snapshot (imported_at, actor, files, service_count) VALUES ('2026-01-05 10:00:00.000', 'admin-1', '[]', 1)")
        try await harness.execute("INSERT INTO directory_service (id, organization_id, snapshot_id, document) VALUES ('svc-shelter', 'ORG-SHELTER', 1, '\(document)')")
        let store = try await harness.open()
        #expect(try await harness.text("SELECT source FROM directory_service WHERE id = 'svc-shelter'") == "bc211")
        #expect(try await store.latestSnapshot()?.changes == nil)
        // A full import of bc211 without it withdraws it.
        let snapshot = try await store.storeDirectory([H.service("svc-new", "ORG-N", NeedCategory(.faith, nil))], files: ["x.json"], source: "bc211",
                                                      replacement: Self.replace(allowMass: true), context: Self.admin)
        #expect(snapshot.changes == DirectoryChanges(added: 1, withdrawn: 1))
    }
}
