import Foundation
import TrellisCore
import TrellisStore

/// The directory and referrals the store and delivery benchmarks make: the same shapes in both.
enum BenchReferrals {
    /// `count` housing services spread over `organizations` organizations (`ORG-0`…).
    static func services(count: Int, organizations: Int) -> [Service] {
        (0..<count).map { i in
            Service(id: "svc-bench-\(i)", name: "Service \(i)", organizationID: "ORG-\(i % organizations)", organizationName: "Org \(i % organizations)",
                    categories: [NeedCategory(.housing, "emergency_shelter")],
                    provenance: Provenance(format: .hsds, source: "bench", file: "bench.json", recordKey: String(i), line: 1))
        }
    }

    /// Partners for the services' organizations, stored (a referral nobody could receive is refused);
    /// `endpoint` is where a delivery worker would send (the benchmarks that deliver pass their own book).
    static func storeReceivers(for services: [Service], endpoint: URL, store: any TrellisStore) async throws {
        let organizations = Array(Set(services.map(\.organizationID))).sorted()
        let partner = Partner(id: "bench-agency", organizations: organizations, endpoint: endpoint, format: .fhirR4)
        try await store.savePartner(partner, context: AuditContext(actor: "bench", purpose: "operations"))
    }

    /// Referral number `i` to `service`, under a consent to `categories` captured at `capturedAt`.
    static func request(_ i: Int, to service: Service, categories: Set<Consent.Category>, capturedAt: Date, phone: Bool = false) -> NewReferral {
        var person = NeedsProfile.Person(ref: "P-\(i)", age: 30 + i % 40, languages: ["en"])
        person.name = "Person \(i)"
        if phone { person.phone = "+1-402-555-\(String(format: "%04d", i % 10_000))" }
        return NewReferral(profile: NeedsProfile(person: person, needs: [.init(.housing, "emergency_shelter", urgency: .urgent)]),
                           serviceID: service.id,
                           consent: Consent(recipient: service.organizationID, categories: categories, method: .verbal,
                                            capturedBy: "cw-\(i % 20)", capturedAt: capturedAt))
    }
}
