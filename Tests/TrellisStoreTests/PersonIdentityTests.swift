import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// A pseudonymous reference is an agency's own ("your agency's reference, e.g. P-1042"): two agencies
/// using the same one refer two people, never one merged person.
@Suite struct PersonIdentityTests {
    typealias H = StoreHarness
    static let worker = AuditContext(actor: "system:delivery", purpose: "treatment")

    static func referral(from organization: String, to service: Service, name: String?, phone: String?) -> NewReferral {
        var profile = H.profile(ref: "P-1042", name: name)
        profile.person.phone = phone
        profile.person.email = nil
        var request = NewReferral(profile: profile, serviceID: service.id, consent: H.consent(service.organizationID))
        request.referrerOrganizationID = organization
        return request
    }

    @Test(arguments: AuditBackend.allCases)
    func twoOrganizationsReferringTheSameReferenceReferTwoPeople(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            // Agency B's client first, with details; then agency A's client, with details, to another partner.
            let fromB = try await store.createReferral(Self.referral(from: "ORG-B", to: H.ips, name: "Bea Client", phone: "+1-402-555-0111"),
                                                       context: H.caseWorker())
            let fromA = try await store.createReferral(Self.referral(from: "ORG-A", to: H.shelter, name: "Alex Client", phone: "+1-402-555-0122"),
                                                       context: H.caseWorker())
            // A refers its client again without details: it must not pick up B's client's, nor overwrite them.
            let fromAAgain = try await store.createReferral(Self.referral(from: "ORG-A", to: H.clinic, name: nil, phone: nil),
                                                            context: H.caseWorker())

            // What each partner is sent: the claims the delivery worker builds its payloads from.
            let claims = try await store.claimDeliveries(owner: "w1", now: Date(), lease: 60, limit: 10, context: Self.worker)
            let sent = Dictionary(uniqueKeysWithValues: claims.map { ($0.referral.id, $0.person.profile.person) })
            #expect(sent.count == 3)
            #expect(sent[fromB.id]?.name == "Bea Client" && sent[fromB.id]?.phone == "+1-402-555-0111")
            #expect(sent[fromA.id]?.name == "Alex Client" && sent[fromA.id]?.phone == "+1-402-555-0122")
            #expect(sent[fromAAgain.id]?.name == "Alex Client" && sent[fromAAgain.id]?.phone == "+1-402-555-0122",
                    "A's second referral carries A's client's details, not B's")
            #expect(claims.first { $0.referral.id == fromB.id }?.person.personID != claims.first { $0.referral.id == fromA.id }?.person.personID)

            // Each case worker's reads, within their organization's scope, show only their own client.
            for (organization, name, mine) in [("ORG-A", "Alex Client", [fromA.id, fromAAgain.id]), ("ORG-B", "Bea Client", [fromB.id])] {
                let listed = try await store.referrals(ReferralFilter(scope: .referredBy(organization: organization)), context: H.caseWorker())
                #expect(Set(listed.map(\.id)) == Set(mine))
                for referral in listed {
                    #expect(try await store.person(referralID: referral.id, context: H.caseWorker()).profile.person.name == name)
                }
            }
        }
    }

    /// Rows from before store-5 get the organization of their first referral; later referrals from
    /// that organization find them, another organization's do not.
    @Test(arguments: AuditBackend.allCases)
    func theMigrationGivesAPersonTheOrganizationOfTheirFirstReferral(_ backend: AuditBackend) async throws {
        let harness = try StoreHarness(backend)
        defer { Task { await harness.close() } }
        try await harness.migrate(before: "store-5")
        let at = "'2026-01-05 10:00:00.000'", later = "'2026-01-06 10:00:00.000'"
        for statement in [
            "INSERT INTO person (id, ref, created_at, updated_at) VALUES ('per-old', 'P-1042', \(at), \(at))",
            "INSERT INTO needs_profile (id, person_id, created_at, created_by, sealed_document) VALUES ('prof-old', 'per-old', \(at), 'cw-1', 'x')",
            """
            INSERT INTO consent (id, person_id, recipient, categories, method, captured_by, captured_at)
                VALUES ('con-old', 'per-old', 'ORG-SHELTER', 'needs', 'verbal', 'cw-1', \(at))
            """,
            """
            INSERT INTO referral (id, status, service_id, organization_id, person_id, person_ref, profile_id, consent_id, need_domains,
                created_at, created_by, updated_at, version, referrer_organization_id)
                VALUES ('ref-second', 'requested', 'svc-shelter', 'ORG-SHELTER', 'per-old', 'P-1042', 'prof-old', 'con-old', 'housing',
                        \(later), 'cw-2', \(later), 1, 'ORG-B'),
                       ('ref-first', 'requested', 'svc-shelter', 'ORG-SHELTER', 'per-old', 'P-1042', 'prof-old', 'con-old', 'housing',
                        \(at), 'cw-1', \(at), 1, 'ORG-A')
            """,
            "INSERT INTO person (id, ref, created_at, updated_at) VALUES ('per-unreferred', 'P-7', \(at), \(at))",
        ] { try await harness.execute(statement) }
        let store = try await harness.open()
        try await StoreHarness.seed(store)
        #expect(try await harness.text("SELECT organization_id FROM person WHERE id = 'per-old'") == "ORG-A")
        #expect(try await harness.text("SELECT organization_id FROM person WHERE id = 'per-unreferred'") == "")
        let fromA = try await store.createReferral(Self.referral(from: "ORG-A", to: H.clinic, name: nil, phone: nil), context: H.caseWorker())
        let fromB = try await store.createReferral(Self.referral(from: "ORG-B", to: H.clinic, name: nil, phone: nil), context: H.caseWorker())
        #expect(try await harness.text("SELECT person_id FROM referral WHERE id = '\(fromA.id)'") == "per-old")
        #expect(try await harness.text("SELECT person_id FROM referral WHERE id = '\(fromB.id)'") != "per-old")
    }
}
