import Crypto
import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// What happens after the agency answers, on every backend: outcomes in their own fields, contact
/// attempts, the next referral linked to a rejected one, follow-ups, and the reports that count them.
@Suite struct FollowThroughStoreContractTests {
    typealias H = StoreHarness

    static let sent = H.at("2026-11-16T09:00:00Z")

    static func move(_ store: any TrellisStore, _ id: String, _ status: ReferralStatus, reason: String? = nil, outcome: ReferralOutcome? = nil,
                     business: ReferralBusinessStatus? = nil, party: ReferralParty = .agency, at: Date = sent) async throws -> Referral {
        try await store.changeStatus(StatusChangeRequest(referralID: id, status: status, party: party, reason: reason,
                                                         outcome: outcome, businessStatus: business), context: H.agency(at))
    }

    static func started(_ store: any TrellisStore, ref: String = "P-1042", at: Date = sent) async throws -> Referral {
        let referral = try await store.createReferral(H.request(ref: ref), context: H.caseWorker(at))
        _ = try await move(store, referral.id, .accepted, at: at)
        return try await move(store, referral.id, .inProgress, at: at)
    }

    @Test(arguments: AuditBackend.allCases)
    func anOutcomeIsStoredOnTheReferralAndItsHistoryRow(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let referral = try await Self.started(store)
            let outcome = ReferralOutcome(code: .serviceStarted, text: "first session on Monday")
            let completed = try await Self.move(store, referral.id, .completed, outcome: outcome, at: H.at("2026-11-20T15:00:00Z"))
            #expect(completed.outcome == outcome)
            let read = try await store.referral(id: referral.id, context: H.caseWorker())
            #expect(read.outcome == outcome)
            #expect(read.history?.last?.outcome == outcome)
            #expect(read.history?.last?.reason == "Service started: first session on Monday")
            // Completed with service started: a follow-up 30 days on, in the county's calendar.
            #expect(read.followUpOn == CalendarDay(year: 2026, month: 12, day: 20))
            #expect(read.followUpDoneAt == nil)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func anOutcomeTheStatusDoesNotAllowIsRefusedChangingNothing(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let referral = try await Self.started(store)
            await #expect(throws: StoreError.outcome(referral: referral.id, .notAllowed(code: .goalMet, status: .failed))) {
                _ = try await Self.move(store, referral.id, .failed, reason: "gone", outcome: ReferralOutcome(code: .goalMet))
            }
            await #expect(throws: StoreError.outcome(referral: referral.id, .textRequired)) {
                _ = try await Self.move(store, referral.id, .completed, outcome: ReferralOutcome(code: .other))
            }
            await #expect(throws: StoreError.outcome(referral: referral.id, .notCarried(.onHold))) {
                _ = try await Self.move(store, referral.id, .onHold, reason: "waiting", outcome: ReferralOutcome(code: .noCapacity))
            }
            let read = try await store.referral(id: referral.id, context: H.caseWorker())
            #expect(read.status == .inProgress && read.version == referral.version && read.outcome == nil)
            // Completed without an outcome is accepted (older partners send none): its outcome is unknown, no follow-up.
            let completed = try await Self.move(store, referral.id, .completed)
            #expect(completed.outcome == nil && completed.followUpOn == nil)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aRejectionsOutcomeIsItsReasonAndCountsInDirectoryHealth(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            for _ in 0..<2 {
                let referral = try await store.createReferral(H.request(), context: H.caseWorker(Self.sent))
                let rejected = try await Self.move(store, referral.id, .rejected, outcome: ReferralOutcome(code: .noCapacity))
                #expect(rejected.outcome?.code == .noCapacity)
                #expect(rejected.history?.last?.reason == "No capacity")
            }
            let flagged = try await store.rejectedServices(since: H.at("2026-11-01T00:00:00Z"), moreThan: 1)
            #expect(flagged.map(\.serviceID) == [H.shelter.id])
            #expect(flagged.first?.noCapacity == 2)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func contactAttemptsAreRecordedWithTheirTimeInTheHistory(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let referral = try await store.createReferral(H.request(), context: H.caseWorker(Self.sent))
            _ = try await Self.move(store, referral.id, .accepted)
            let first = try await Self.move(store, referral.id, .inProgress, business: .contactAttempted, at: H.at("2026-11-17T10:00:00Z"))
            #expect(first.contactAttempts == 1)
            let second = try await Self.move(store, referral.id, .inProgress, business: .contactAttempted, at: H.at("2026-11-18T10:00:00Z"))
            #expect(second.contactAttempts == 2)
            #expect(second.status == .inProgress && second.version == first.version + 1)
            let rows = try #require(second.history).filter { $0.businessStatus == .contactAttempted }
            #expect(rows.map(\.at) == [H.at("2026-11-17T10:00:00Z"), H.at("2026-11-18T10:00:00Z")])
            #expect(rows.map(\.from) == [.accepted, .inProgress])
            // Only the agency records one, and only with in-progress.
            await #expect(throws: StoreError.self) {
                _ = try await Self.move(store, referral.id, .inProgress, business: .contactAttempted, party: .referrer)
            }
            await #expect(throws: StoreError.invalid(field: "business_status", reason: "contact_attempted goes only with in-progress")) {
                _ = try await Self.move(store, referral.id, .onHold, reason: "x", business: .contactAttempted)
            }
            #expect(try await store.referral(id: referral.id, context: H.caseWorker()).contactAttempts == 2)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func theNextReferralIsLinkedToTheRejectedOneInBothHistories(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let first = try await store.createReferral(H.request(), context: H.caseWorker(Self.sent))
            _ = try await Self.move(store, first.id, .rejected, outcome: ReferralOutcome(code: .notEligible))
            let waiting = try await store.referrals(ReferralFilter(needsNextStep: true), context: H.caseWorker())
            #expect(waiting.map(\.id) == [first.id])

            var request = H.request(H.clinic)
            request.previousReferralID = first.id
            let second = try await store.createReferral(request, context: H.caseWorker())
            #expect(second.previousReferralID == first.id)
            #expect(second.history?.first?.relatedReferralID == first.id)
            let firstNow = try await store.referral(id: first.id, context: H.caseWorker())
            #expect(firstNow.nextReferralID == second.id)
            #expect(!firstNow.needsNextStep)
            let link = try #require(firstNow.history?.last)
            #expect(link.relatedReferralID == second.id && link.from == .rejected && link.to == .rejected)
            #expect(try await store.referral(id: second.id, context: H.caseWorker()).previousReferralID == first.id)
            #expect(try await store.referrals(ReferralFilter(needsNextStep: true), context: H.caseWorker()).isEmpty)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aPreviousReferralThatCannotBeFollowedIsRefusedByName(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let open = try await store.createReferral(H.request(), context: H.caseWorker(Self.sent))
            let someoneElses = try await store.createReferral(H.request(ref: "P-2000"), context: H.caseWorker(Self.sent))
            _ = try await Self.move(store, someoneElses.id, .rejected, reason: "full")
            var otherOrganization = H.request()
            otherOrganization.referrerOrganizationID = "ORG-OTHER-REFERRER"
            let foreign = try await store.createReferral(otherOrganization, context: H.caseWorker(Self.sent))
            _ = try await Self.move(store, foreign.id, .rejected, reason: "full")
            let refused: [(String, String)] = [
                ("ref-nope", "does not exist"),
                (open.id, "is requested; only a rejected or failed referral is followed by the next match"),
                (someoneElses.id, "is another person's referral"),
                (foreign.id, "does not exist"),
            ]
            for (previous, reason) in refused {
                var request = H.request(H.clinic)
                request.previousReferralID = previous
                await #expect(throws: StoreError.previousReferral(previous, reason: reason)) {
                    _ = try await store.createReferral(request, context: H.caseWorker())
                }
            }
            // Nothing was made by the refused ones.
            #expect(try await store.referrals(ReferralFilter(), context: H.caseWorker()).count == 3)
            // Followed once: a second follower is refused.
            var next = H.request(H.clinic, ref: "P-2000")
            next.previousReferralID = someoneElses.id
            let followed = try await store.createReferral(next, context: H.caseWorker())
            await #expect(throws: StoreError.previousReferral(someoneElses.id, reason: "was already followed by referral \(followed.id)")) {
                _ = try await store.createReferral(next, context: H.caseWorker())
            }
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func followUpsAreDueFromTheirDayUntilRecorded(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let referral = try await Self.started(store)
            _ = try await Self.move(store, referral.id, .completed, outcome: ReferralOutcome(code: .serviceStarted), at: H.at("2026-11-20T15:00:00Z"))
            let other = try await Self.started(store, ref: "P-3000")
            _ = try await Self.move(store, other.id, .completed, outcome: ReferralOutcome(code: .goalMet))

            let dayBefore = try await store.referrals(ReferralFilter(followUpDueAt: H.at("2026-12-19T12:00:00Z")), context: H.caseWorker())
            #expect(dayBefore.isEmpty)
            let due = try await store.referrals(ReferralFilter(followUpDueAt: H.at("2026-12-20T12:00:00Z")), context: H.caseWorker())
            #expect(due.map(\.id) == [referral.id])

            let done = try await store.recordFollowUp(referralID: referral.id, note: "she is going every week", context: H.caseWorker(H.at("2026-12-21T10:00:00Z")))
            #expect(done.followUpDoneAt == H.at("2026-12-21T10:00:00Z"))
            #expect(done.history?.last?.reason == "follow-up done")
            #expect(try await store.referrals(ReferralFilter(followUpDueAt: H.at("2026-12-25T12:00:00Z")), context: H.caseWorker()).isEmpty)
            await #expect(throws: StoreError.followUp(referral: referral.id, reason: "had its follow-up recorded already")) {
                _ = try await store.recordFollowUp(referralID: referral.id, note: nil, context: H.caseWorker())
            }
            await #expect(throws: StoreError.followUp(referral: other.id, reason: "has no follow-up (only a referral completed with service started has one)")) {
                _ = try await store.recordFollowUp(referralID: other.id, note: nil, context: H.caseWorker())
            }
        }
    }

    /// Answers recorded before outcomes had fields (their code's title heading the reason) get their
    /// codes from the migration's backfill.
    @Test(arguments: AuditBackend.allCases)
    func olderAnswersGetTheirOutcomeCodesFromTheirReasons(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            let done = try await Self.started(store)
            _ = try await Self.move(store, done.id, .completed, reason: "Service started: moved in")
            let rejected = try await store.createReferral(H.request(), context: H.caseWorker(Self.sent))
            _ = try await Self.move(store, rejected.id, .rejected, reason: "No capacity")
            let free = try await store.createReferral(H.request(), context: H.caseWorker(Self.sent))
            _ = try await Self.move(store, free.id, .rejected, reason: "we are full this month")
            for statement in ReferralFollowThrough.backfillStatements { try await harness.execute(statement) }
            let read = try await store.referral(id: done.id, context: H.caseWorker())
            #expect(read.outcome == ReferralOutcome(code: .serviceStarted, text: "moved in"))
            #expect(read.history?.last?.outcome == ReferralOutcome(code: .serviceStarted, text: "moved in"))
            #expect(try await store.referral(id: rejected.id, context: H.caseWorker()).outcome == ReferralOutcome(code: .noCapacity))
            #expect(try await store.referral(id: free.id, context: H.caseWorker()).outcome == nil, "free text names no code")
        }
    }

    @Test func theFollowUpDayCountsTheConfiguredDaysInTheCountysCalendar() throws {
        var configuration = StoreConfiguration(cipher: PersonCipher(key: .init(size: .bits256)), checkpoints: nil,
                                               calendar: BusinessCalendar(timeZone: TimeZone(identifier: "America/Chicago")!))
        configuration.followUpDays = 7
        // 03:00 UTC on 21 November is still 20 November in Chicago.
        #expect(configuration.followUpDay(after: H.at("2026-11-21T03:00:00Z")) == CalendarDay(year: 2026, month: 11, day: 27))
        configuration.followUpDays = 30
        #expect(configuration.followUpDay(after: H.at("2026-11-21T03:00:00Z")) == CalendarDay(year: 2026, month: 12, day: 20))
    }

    @Test(arguments: AuditBackend.allCases)
    func theLoopClosureReportCountsOutcomesPerAgencyAndNeedDomain(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let completed = try await Self.started(store)
            _ = try await Self.move(store, completed.id, .completed, outcome: ReferralOutcome(code: .serviceStarted))
            let unknown = try await Self.started(store)
            _ = try await Self.move(store, unknown.id, .completed)
            let rejected = try await store.createReferral(H.request(), context: H.caseWorker(Self.sent))
            _ = try await Self.move(store, rejected.id, .rejected, outcome: ReferralOutcome(code: .noCapacity))
            var next = H.request(H.clinic)
            next.previousReferralID = rejected.id
            let followed = try await store.createReferral(next, context: H.caseWorker(Self.sent))
            _ = try await Self.move(store, followed.id, .accepted)
            _ = try await Self.move(store, followed.id, .inProgress, business: .contactAttempted)
            _ = try await Self.move(store, followed.id, .failed, outcome: ReferralOutcome(code: .couldNotContact))

            let report = try await store.loopClosureReport(from: H.at("2026-11-16T00:00:00Z"), to: H.at("2026-11-23T00:00:00Z"),
                                                           now: H.at("2026-11-22T12:00:00Z"))
            let shelter = try #require(report.agencies.first { $0.organizationID == "ORG-SHELTER" })
            #expect(shelter.outcomes == ["service_started": 1, "unknown": 1, "no_capacity": 1])
            #expect(shelter.reReferred == 1)
            // The row linking the next referral is no rejection reason.
            #expect(shelter.rejectionReasons == ["No capacity": 1])
            let clinic = try #require(report.agencies.first { $0.organizationID == "ORG-CLINIC" })
            #expect(clinic.outcomes == ["could_not_contact": 1])
            #expect(clinic.contactAttempts == 1)
            #expect(report.overall.outcomes == ["service_started": 1, "unknown": 1, "no_capacity": 1, "could_not_contact": 1])
            // The profile's needs are housing and clinical: every referral counts in both.
            #expect(report.byNeedDomain.map(\.needDomain) == ["clinical", "housing"])
            let housing = try #require(report.byNeedDomain.first { $0.needDomain == "housing" })
            #expect(housing.sent == 4 && housing.completed == 2 && housing.rejected == 1 && housing.failed == 1 && housing.reReferred == 1)
            #expect(housing.outcomes == report.overall.outcomes)
            let json = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(report)) as? [String: Any])
            #expect((json["by_need_domain"] as? [[String: Any]])?.count == 2)
            #expect(((json["agencies"] as? [[String: Any]])?.first?["outcomes"]) is [String: Int])
        }
    }
}
