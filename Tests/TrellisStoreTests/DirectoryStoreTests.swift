import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// The stored directory and partners, on every backend.
@Suite struct DirectoryStoreTests {
    typealias H = StoreHarness

    @Test(arguments: AuditBackend.allCases)
    func aDirectoryRestoresAsImportedAndLaterCopiesReplaceEarlierOnes(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            #expect(try await store.storedServices() == [H.clinic, H.ips, H.shelter])
            var renamed = H.shelter
            renamed.name = "Lantern House night shelter"
            renamed.capacity = Capacity(available: 3, maximum: 40, updated: CalendarDay(year: 2026, month: 11, day: 21))
            let many = (0..<1_200).map { H.service("svc-gen-\($0)", "ORG-GEN-\($0 % 7)", NeedCategory(.peerSupport, nil)) }
            let snapshot = try await store.storeDirectory(many + [H.shelter, renamed], files: ["a.xml", "b.json"], source: nil, replacement: .addAndUpdate, context: AuditContext(actor: "admin-1"))
            #expect(snapshot.serviceCount == 1_201)
            let latest = try #require(try await store.latestSnapshot())
            #expect(latest.id == snapshot.id && latest.serviceCount == 1_201 && latest.files == ["a.xml", "b.json"] && latest.actor == "admin-1")
            #expect(try await store.service(id: H.shelter.id) == renamed)
            #expect(try await store.storedServices().count == 1_203)
            // Read a page at a time (more than one page here), every service once, in id order.
            var streamed: [String] = []
            try await store.forEachStoredService { streamed.append($0.id) }
            #expect(streamed.count == 1_203 && streamed == streamed.sorted() && Set(streamed).count == 1_203)
            // A restart reads the same directory back.
            let again = try await harness.open()
            #expect(try await again.service(id: "svc-gen-1199") == many.last)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func partnersAreFoundByTheOrganizationsTheyAnswerFor(_ backend: AuditBackend) async throws {
        try await H.with(backend, recipients: false) { _, store in
            let harbor = Partner(id: "harbor-house", organizations: ["ORG-42", "ORG-43"], endpoint: URL(string: "https://harbor.example.org/referrals")!,
                                 auth: .init(bearerEnvironment: "HARBOR_TOKEN"), signingSecrets: ["whsec_abc"], statusMode: .poll)
            try await store.savePartner(harbor, context: AuditContext(actor: "admin-1"))
            #expect(try await store.partner(answeringFor: "ORG-43") == harbor)
            var moved = harbor
            moved.organizations = ["ORG-42"]
            try await store.savePartner(moved, context: AuditContext(actor: "admin-1"))
            #expect(try await store.partner(answeringFor: "ORG-43") == nil)
            #expect(try await store.partners() == [moved])
        }
    }
}
