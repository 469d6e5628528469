import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// The equity report and the services agencies keep rejecting, on every backend.
@Suite struct EquityAndRejectionTests {
    typealias H = StoreHarness
    static let monday = H.at("2026-11-16T09:00:00Z")

    static func request(_ ref: String, age: Int?, language: String, interpreter: Bool, urgency: NeedsProfile.Urgency,
                        to service: Service = H.shelter) -> NewReferral {
        let person = NeedsProfile.Person(ref: ref, age: age, languages: [language], interpreterNeeded: interpreter, county: "Douglas", state: "NE")
        let profile = NeedsProfile(person: person, needs: [.init(.housing, "emergency_shelter", urgency: urgency)])
        return NewReferral(profile: profile, serviceID: service.id, consent: H.consent(service.organizationID), draft: false, note: nil)
    }

    @Test(arguments: AuditBackend.allCases)
    func theEquityReportBreaksReferralsDownAndSuppressesSmallCellsAndTheirComplements(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            // Twelve Spanish speakers aged 34, none needing an interpreter, and one English speaker of 70 in crisis.
            var made: [Referral] = []
            for i in 0..<12 {
                made.append(try await store.createReferral(Self.request("P-\(i)", age: 34, language: "es", interpreter: false, urgency: .soon),
                                                           context: H.caseWorker(Self.monday.addingTimeInterval(Double(i) * 60))))
            }
            _ = try await store.createReferral(Self.request("P-en", age: 70, language: "en", interpreter: true, urgency: .crisis),
                                               context: H.caseWorker(Self.monday))
            // Eleven accepted by the shelter after two hours.
            for r in made.prefix(11) {
                _ = try await store.changeStatus(StatusChangeRequest(referralID: r.id, status: .accepted, party: .agency),
                                                 context: H.agency(Self.monday.addingTimeInterval(2 * 3600)))
            }
            // The clear columns hold the band, never the age.
            #expect(try await harness.text("SELECT age_band FROM referral WHERE id = '\(made[0].id)'") == "25-34")
            #expect(try await harness.text("SELECT highest_urgency FROM referral WHERE id = '\(made[0].id)'") == "soon")

            let report = try await store.equityReport(from: H.at("2026-11-16T00:00:00Z"), to: H.at("2026-11-23T00:00:00Z"),
                                                      now: H.at("2026-11-22T00:00:00Z"), referrerOrganizationID: nil)
            #expect(report.overall.referrals == .count(13))
            #expect(report.overall.accepted == .count(11))
            #expect(report.overall.medianHoursToAnswer != nil)
            let language = try #require(report.breakdowns.first { $0.dimension == "preferred_language" })
            // "en" has one person: suppressed; "es" would then give it away (13 − 12): suppressed as well.
            #expect(language.rows.map(\.group) == ["en", "es"])
            #expect(language.rows.map(\.referrals) == [.suppressed, .suppressed])
            let domain = try #require(report.breakdowns.first { $0.dimension == "need_domain" })
            #expect(domain.rows.map(\.group) == ["housing"] && domain.rows[0].referrals == .count(13))
            // The 13 are all open: the other outcomes (no one) read "<11", and open stays shown.
            #expect(domain.rows[0].outcomes["open"] == .count(13) && domain.rows[0].outcomes["completed"] == .suppressed)
            let age = try #require(report.breakdowns.first { $0.dimension == "age_band" })
            #expect(age.rows.map(\.group) == ["25-34", "65+"] && age.rows.allSatisfy { $0.referrals == .suppressed })
            #expect(report.breakdowns.map(\.dimension) == EquityReport.dimensions)
            // A supervisor of another organization sees none of these.
            let other = try await store.equityReport(from: H.at("2026-11-16T00:00:00Z"), to: H.at("2026-11-23T00:00:00Z"),
                                                     now: H.at("2026-11-22T00:00:00Z"), referrerOrganizationID: "ORG-ELSEWHERE")
            #expect(other.overall.referrals == .suppressed && other.breakdowns.allSatisfy { $0.rows.isEmpty })
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func theMigrationFillsTheFactsOfEarlierReferralsFromTheirSealedProfiles(_ backend: AuditBackend) async throws {
        let harness = try StoreHarness(backend)
        defer { Task { await harness.close() } }
        try await harness.migrate(before: "store-11")
        let profile = Self.request("P-old", age: 19, language: "vi", interpreter: true, urgency: .urgent).profile
        let sealed = try harness.cipher.seal(try JSONEncoder().encode(profile), owner: "prof-old", field: "profile")
        let hex = sealed.map { String(format: "%02x", $0) }.joined()
        let blob = backend == .sqlite ? "X'\(hex)'" : "'\\x\(hex)'::bytea"
        let at = "'2026-01-05 10:00:00.000'"
        for statement in [
            "INSERT INTO person (id, organization_id, ref, created_at, updated_at) VALUES ('per-old', 'ORG-A', 'P-old', \(at), \(at))",
            "INSERT INTO needs_profile (id, person_id, created_at, created_by, sealed_document) VALUES ('prof-old', 'per-old', \(at), 'cw-1', \(blob))",
            "INSERT INTO consent (id, person_id, recipient, categories, method, captured_by, captured_at) VALUES ('con-old', 'per-old', 'ORG-SHELTER', 'needs', 'verbal', 'cw-1', \(at))",
            """
            INSERT INTO referral (id, status, service_id, organization_id, person_id, person_ref, profile_id, consent_id, need_domains,
                created_at, created_by, updated_at, version) VALUES ('ref-old', 'requested', 'svc-shelter', 'ORG-SHELTER', 'per-old', 'P-old',
                'prof-old', 'con-old', 'housing', \(at), 'cw-1', \(at), 1)
            """,
        ] { try await harness.execute(statement) }
        _ = try await harness.open()
        #expect(try await harness.text("SELECT age_band FROM referral WHERE id = 'ref-old'") == "18-24")
        #expect(try await harness.text("SELECT primary_language FROM referral WHERE id = 'ref-old'") == "vi")
        #expect(try await harness.text("SELECT highest_urgency FROM referral WHERE id = 'ref-old'") == "urgent")
        #expect(try await harness.text("SELECT CASE WHEN interpreter_needed THEN 'yes' ELSE 'no' END FROM referral WHERE id = 'ref-old'") == "yes")
    }

    @Test(arguments: AuditBackend.allCases)
    func servicesRejectedForNoCapacityOrNotEligibleMoreThanNTimesAreListed(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            func reject(_ service: Service, _ reason: String, at date: Date, ref: String) async throws {
                let r = try await store.createReferral(H.request(service, ref: ref), context: H.caseWorker(date))
                _ = try await store.changeStatus(StatusChangeRequest(referralID: r.id, status: .rejected, party: .agency, reason: reason),
                                                 context: H.agency(date.addingTimeInterval(3600)))
            }
            let reasons = ["no_capacity", "No capacity - waitlist full", "not eligible: age", "INELIGIBLE"]
            for (i, reason) in reasons.enumerated() { try await reject(H.shelter, reason, at: Self.monday, ref: "P-s\(i)") }
            try await reject(H.shelter, "person moved away", at: Self.monday, ref: "P-s9")
            for i in 0..<3 { try await reject(H.ips, "no capacity", at: Self.monday, ref: "P-w\(i)") }
            // Before the window: not counted.
            try await reject(H.ips, "no capacity", at: H.at("2026-11-02T09:00:00Z"), ref: "P-w-old")

            let listed = try await store.rejectedServices(since: H.at("2026-11-10T00:00:00Z"), moreThan: 3)
            #expect(listed == [RejectedService(serviceID: H.shelter.id, serviceName: H.shelter.name, organizationID: "ORG-SHELTER",
                                               organizationName: "Org ORG-SHELTER", noCapacity: 2, notEligible: 2)])
            let lower = try await store.rejectedServices(since: H.at("2026-11-10T00:00:00Z"), moreThan: 2)
            // By organization: ORG-SHELTER, then ORG-WORK.
            #expect(lower.map(\.serviceID) == [H.shelter.id, H.ips.id])
            #expect(try await store.rejectedServices(since: H.at("2026-11-01T00:00:00Z"), moreThan: 3).map(\.serviceID).sorted() == [H.ips.id, H.shelter.id])
        }
    }
}
