import Foundation
import Testing
import TrellisCore
import TrellisDelivery
import TrellisTestSupport

@Suite struct PartnersFileTests {
    @Test func theExampleFileDescribesEveryField() throws {
        let path = DeliveryFixtures.repository.appendingPathComponent("config/partners.example.json").path
        let partners = try PartnersFile.load(path)
        #expect(partners.map(\.id) == ["harbor-house", "northside-ips", "st-marks-pantry"])
        let harbor = partners[0], northside = partners[1], pantry = partners[2]
        #expect(pantry.delivery == .inbox && pantry.endpoint == nil && pantry.notifyEmail == "volunteers@stmarks.example.org")
        #expect(harbor.delivery == .endpoint)
        #expect(harbor.format == .fhirR4 && harbor.auth.bearerEnvironment == "HARBOR_TOKEN" && harbor.statusMode == .callback)
        #expect(northside.format == .json && northside.statusMode == .poll && northside.responseDeadlineBusinessDays == 3)
        #expect(northside.auth.clientCertificate != nil && northside.caBundle != nil)
        #expect(northside.signingSecrets.count == 2)
        for partner in partners { #expect(throws: Never.self) { _ = try PartnerRequest.secrets(of: partner) } }
        let book = try PartnerBook(partners)
        #expect(book.partner(answeringFor: "ORG-78")?.id == "northside-ips")
        #expect(book.partner(answeringFor: "ORG-1") == nil)
    }

    @Test func aBearerTokenComesFromTheEnvironmentAndIsRequiredWhenNamed() throws {
        var partner = DeliveryFixtures.partner()
        partner.auth.bearerEnvironment = "HARBOR_TOKEN"
        let disclosure = try #require(DeliveryFixtures.disclosure([.needs]))
        let request = try PartnerRequest.referral(disclosure, to: partner, idempotencyKey: "key-1", now: DeliveryFixtures.now,
                                                  environment: ["HARBOR_TOKEN": "s3cret\n"])
        #expect(request.headers.contains { $0.name == "Authorization" && $0.value == "Bearer s3cret" })
        #expect(request.headers.contains { $0.name == "Idempotency-Key" && $0.value == "key-1" })
        #expect(request.headers.contains { $0.name == "webhook-id" && $0.value == "key-1" })
        #expect(request.headers.contains { $0.name == "Content-Type" && $0.value == "application/fhir+json" })
        #expect(throws: PartnerRequest.SettingsProblem.self) {
            _ = try PartnerRequest.referral(disclosure, to: partner, idempotencyKey: "key-1", now: DeliveryFixtures.now, environment: [:])
        }
    }
}

/// An agency without an endpoint is an inbox partner; the file says which, and a mix-up is refused by name.
@Suite struct InboxPartnerEntryTests {
    static let cases: [(String, String?)] = [
        (#"{"id": "pantry", "organizations": ["ORG-1"], "delivery": "inbox"}"#, nil),
        (#"{"id": "pantry", "organizations": ["ORG-1"], "delivery": "inbox", "notify_email": "desk@pantry.example.org"}"#, nil),
        (#"{"id": "pantry", "organizations": ["ORG-1"]}"#, "endpoint"),
        (#"{"id": "pantry", "organizations": ["ORG-1"], "delivery": "inbox", "endpoint": "https://pantry.example.org/in"}"#, "endpoint"),
        (#"{"id": "pantry", "organizations": ["ORG-1"], "delivery": "fax"}"#, "delivery"),
        (#"{"id": "pantry", "organizations": ["ORG-1"], "delivery": "inbox", "notify_email": "desk@pantry.example.org\r\nBcc: x@y.z"}"#, "notify_email"),
        (#"{"id": "pantry", "organizations": ["ORG-1"], "delivery": "inbox", "notify_email": "not an address"}"#, "notify_email"),
    ]

    @Test(arguments: cases)
    func anEntryIsReadOrRefusedNamingTheField(_ json: String, _ refusedField: String?) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("partners-\(UUID().uuidString).json")
        try "[\(json)]".write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        if let refusedField {
            #expect { try PartnersFile.load(path.path) } throws: { "\($0)".contains(refusedField) }
        } else {
            let partner = try #require(try PartnersFile.load(path.path).first)
            #expect(partner.delivery == .inbox && partner.endpoint == nil)
        }
    }
}
