import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// Partners' signing secrets are sealed with the data key at rest, and a migration seals those
/// stored before.
@Suite struct PartnerSecretTests {
    typealias H = StoreHarness
    static let secret = "whsec_c2VjcmV0LXNpZ25pbmcta2V5LWZvci10ZXN0cw=="

    static func partner(_ id: String = "harbor") -> Partner {
        Partner(id: id, organizations: ["ORG-SHELTER"], endpoint: URL(string: "https://partner.example/referrals")!,
                signingSecrets: [secret, "whsec_b2xkLXNlY3JldA=="])
    }

    @Test(arguments: AuditBackend.allCases)
    func aSavedPartnersSecretsAreSealedAndComeBackOpened(_ backend: AuditBackend) async throws {
        try await H.with(backend, recipients: false) { harness, store in
            try await store.savePartner(Self.partner(), context: AuditContext(actor: "admin-1"))
            #expect(try await store.partners() == [Self.partner()])
            #expect(try await store.partner(answeringFor: "ORG-SHELTER")?.signingSecrets == Self.partner().signingSecrets)
            let stored = try await harness.text("SELECT document FROM partner WHERE id = 'harbor'")
            #expect(stored.contains("partner.example") && !stored.contains("whsec_"))
            try await store.close()
            let bytes = try await harness.text(backend == .sqlite ? "SELECT hex(sealed_secrets) FROM partner" : "SELECT encode(sealed_secrets, 'hex') FROM partner")
            #expect(!bytes.isEmpty && !bytes.lowercased().contains(Data("whsec_".utf8).map { String(format: "%02x", $0) }.joined()))
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func theMigrationSealsSecretsStoredInTheClear(_ backend: AuditBackend) async throws {
        let harness = try StoreHarness(backend)
        defer { Task { await harness.close() } }
        try await harness.migrate(before: "store-7")
        let document = try PartnerDocument.encode(Self.partner()).replacingOccurrences(of: "'", with: "''")
        try await harness.execute("INSERT INTO partner (id, document, updated_at) VALUES ('harbor', '\(document)', '2026-01-05 10:00:00.000')")
        #expect(try await harness.text("SELECT document FROM partner").contains("whsec_"))
        let store = try await harness.open()
        #expect(try await store.partners() == [Self.partner()])
        #expect(!(try await harness.text("SELECT document FROM partner").contains("whsec_")))
    }
}
