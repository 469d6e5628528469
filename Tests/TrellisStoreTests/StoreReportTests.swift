import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// Loop-closure figures, on every backend, from referrals with known answers and times.
@Suite struct StoreReportTests {
    typealias H = StoreHarness

    @Test(arguments: AuditBackend.allCases)
    func loopClosurePerAgencyAndOverall(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let monday = H.at("2026-11-16T09:00:00Z")
            func send(_ service: Service, hoursAfterMonday hours: Double) async throws -> Referral {
                try await store.createReferral(H.request(service), context: H.caseWorker(monday.addingTimeInterval(hours * 3600)))
            }
            func move(_ r: Referral, _ to: ReferralStatus, _ party: ReferralParty, at hours: Double, reason: String? = nil) async throws {
                let context = party == .agency ? H.agency(monday.addingTimeInterval(hours * 3600)) : H.caseWorker(monday.addingTimeInterval(hours * 3600))
                _ = try await store.changeStatus(StatusChangeRequest(referralID: r.id, status: to, party: party, reason: reason), context: context)
            }
            // Shelter: accepted after 2 h then completed; rejected after 4 h; rejected after 6 h; one unanswered (overdue).
            let s1 = try await send(H.shelter, hoursAfterMonday: 0)
            try await move(s1, .accepted, .agency, at: 2)
            try await move(s1, .inProgress, .agency, at: 3)
            try await move(s1, .completed, .agency, at: 30)
            let s2 = try await send(H.shelter, hoursAfterMonday: 1)
            try await move(s2, .rejected, .agency, at: 5, reason: "no beds")
            let s3 = try await send(H.shelter, hoursAfterMonday: 1)
            try await move(s3, .rejected, .agency, at: 7, reason: "no beds")
            _ = try await send(H.shelter, hoursAfterMonday: 2)
            // Work: withdrawn before an answer (not counted against the agency), and one accepted after 10 h.
            let w1 = try await send(H.ips, hoursAfterMonday: 0)
            try await move(w1, .cancelled, .referrer, at: 1, reason: "person found a job")
            let w2 = try await send(H.ips, hoursAfterMonday: 0)
            try await move(w2, .accepted, .agency, at: 10)
            // Outside the period: not counted.
            var october = H.request(H.clinic)
            october.consent.capturedAt = H.at("2026-09-30T09:00:00Z")
            _ = try await store.createReferral(october, context: H.caseWorker(H.at("2026-10-01T09:00:00Z")))

            let report = try await store.loopClosureReport(from: H.at("2026-11-16T00:00:00Z"), to: H.at("2026-11-23T00:00:00Z"),
                                                           now: H.at("2026-11-22T12:00:00Z"))
            let shelter = try #require(report.agencies.first { $0.organizationID == "ORG-SHELTER" })
            #expect(shelter.sent == 4)
            #expect(shelter.accepted == 1)
            #expect(shelter.rejected == 2)
            #expect(shelter.rejectionReasons == ["no beds": 2])
            #expect(shelter.completed == 1)
            #expect(shelter.unanswered == 1)
            #expect(shelter.closed == 3)
            #expect(shelter.loopClosureRate == 0.75)
            #expect(shelter.medianHoursToFirstAnswer == 4)  // answers after 2, 4 and 6 hours
            #expect(shelter.overdueNow == 1)

            let work = try #require(report.agencies.first { $0.organizationID == "ORG-WORK" })
            #expect(work.sent == 2 && work.cancelled == 1 && work.withdrawnBeforeAnswer == 1)
            #expect(work.loopClosureRate == 0)
            #expect(work.medianHoursToFirstAnswer == 10)

            #expect(report.overall.sent == 6)
            #expect(report.overall.medianHoursToFirstAnswer == 5)  // 2, 4, 6, 10
            // The October referral is waiting too, so it is overdue now though outside the period.
            #expect(report.overall.overdueNow == 2)
            #expect(report.agencies.map(\.organizationID) == ["ORG-CLINIC", "ORG-SHELTER", "ORG-WORK"])
        }
    }
}
