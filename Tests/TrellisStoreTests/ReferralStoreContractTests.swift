import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// The referral store's contract, on every backend.
@Suite struct ReferralStoreContractTests {
    typealias H = StoreHarness

    @Test(arguments: AuditBackend.allCases)
    func aReferralIsStoredWithItsPersonConsentHistoryAndOutboxRow(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let created = try await store.createReferral(H.request(note: "prefers mornings"), context: H.caseWorker())
            #expect(created.status == .requested)
            #expect(created.organizationID == "ORG-SHELTER")
            #expect(created.needDomains == [.housing, .clinical])
            #expect(created.respondBy != nil)

            let read = try await store.referral(id: created.id, context: H.caseWorker())
            #expect(read.history?.map(\.to) == [.requested])
            #expect(read.history?.first?.from == nil)
            #expect(read.version == 1)

            let outbox = try #require(try await store.outboxEntry(referralID: created.id))
            #expect(outbox.state == .pending)
            #expect(outbox.idempotencyKey.count == 36)

            let person = try await store.person(referralID: created.id, context: H.caseWorker())
            #expect(person.profile.person.name == "Maria Quintero-Vasquez")
            #expect(person.profile.person.phone == "+1-402-555-0199")
            #expect(person.profile.person.email == "maria.q@example.org")
            #expect(person.profile.needs == H.profile().needs)
            #expect(person.note == "prefers mornings")

            let consent = try await store.consent(referralID: created.id, context: H.caseWorker())
            #expect(consent.consent.recipient == "ORG-SHELTER")
            #expect(consent.consent.categories == [.contact, .demographics, .needs])
            #expect(try await store.audit.verify() == .intact(records: try #require(try await store.audit.head()?.event.sequence).asInt, checkpoints: 0))
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aDraftWaitsWithoutOutboxRowUntilItIsRequested(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let draft = try await store.createReferral(H.request(draft: true), context: H.caseWorker())
            #expect(draft.status == .draft)
            #expect(draft.respondBy == nil && draft.requestedAt == nil)
            #expect(try await store.outboxEntry(referralID: draft.id) == nil)
            let sent = try await store.changeStatus(StatusChangeRequest(referralID: draft.id, status: .requested, party: .referrer), context: H.caseWorker())
            #expect(sent.requestedAt != nil && sent.respondBy != nil)
            #expect(try await store.outboxEntry(referralID: draft.id)?.state == .pending)
            #expect(sent.history?.map(\.to) == [.draft, .requested])
        }
    }

    /// Paths through the lifecycle, each step by the party whose move it is; the last step of each
    /// path is followed by every move that must then be refused.
    static let paths: [[(ReferralStatus, ReferralParty, String?)]] = [
        [(.accepted, .agency, nil), (.inProgress, .agency, nil), (.completed, .agency, nil)],
        [(.rejected, .agency, "no beds for a family of five")],
        [(.accepted, .agency, nil), (.onHold, .agency, "waiting for ID"), (.inProgress, .agency, nil), (.failed, .agency, "left the program")],
        [(.cancelled, .referrer, "person moved away")],
        [(.accepted, .agency, nil), (.cancelled, .referrer, "person declined")],
        [(.accepted, .agency, nil), (.onHold, .agency, "paperwork"), (.cancelled, .referrer, "person declined")],
        [(.enteredInError, .referrer, nil)],
        [(.accepted, .agency, nil), (.inProgress, .agency, nil), (.onHold, .agency, "hospital stay"), (.failed, .agency, "lost contact")],
    ]

    @Test(arguments: AuditBackend.allCases)
    func everyLegalPathIsAppliedAndEveryOtherMoveRefusedChangingNothing(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            for path in Self.paths {
                let referral = try await store.createReferral(H.request(), context: H.caseWorker())
                var status = ReferralStatus.requested
                for (to, party, reason) in path {
                    // Every move from here that the rules forbid is refused and changes nothing.
                    for other in ReferralStatus.allCases {
                        for who in ReferralParty.allCases {
                            let legal = ReferralLifecycle.moves(from: status).contains(other) && ReferralLifecycle.party(setting: other) == who
                            guard !legal else { continue }
                            await #expect(throws: StoreError.self) {
                                try await store.changeStatus(StatusChangeRequest(referralID: referral.id, status: other, party: who, reason: "r"), context: H.caseWorker())
                            }
                        }
                    }
                    if ReferralLifecycle.needsReason(to) {
                        await #expect(throws: StoreError.transition(referral: referral.id, .reasonRequired(to))) {
                            try await store.changeStatus(StatusChangeRequest(referralID: referral.id, status: to, party: party), context: H.caseWorker())
                        }
                    }
                    let moved = try await store.changeStatus(StatusChangeRequest(referralID: referral.id, status: to, party: party, reason: reason),
                                                             context: party == .agency ? H.agency() : H.caseWorker())
                    #expect(moved.status == to)
                    #expect(moved.history?.last?.reason == reason)
                    #expect(moved.history?.last?.from == status)
                    status = to
                }
                let final = try await store.referral(id: referral.id, context: H.caseWorker())
                #expect(final.version == path.count + 1)
                #expect(final.history?.count == path.count + 1)
            }
            guard case .intact = try await store.audit.verify() else { Issue.record("audit chain broken"); return }
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aRefusedMoveIsAuditedAsDenied(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let referral = try await store.createReferral(H.request(), context: H.caseWorker())
            await #expect(throws: StoreError.transition(referral: referral.id, .notThisPartysMove(party: .referrer, to: .accepted))) {
                try await store.changeStatus(StatusChangeRequest(referralID: referral.id, status: .accepted, party: .referrer), context: H.caseWorker())
            }
            let head = try #require(try await store.audit.head())
            #expect(head.event.outcome == .denied)
            #expect(head.event.entityID == referral.id)
            #expect(try await store.referral(id: referral.id, context: H.caseWorker()).version == 1)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func concurrentChangesAtOneVersionLetOneWinAndTellTheOtherOfTheConflict(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            let other = try await harness.open()  // a second process on the same database
            for _ in 0..<5 {
                let referral = try await store.createReferral(H.request(), context: H.caseWorker())
                let accepted = try await store.changeStatus(StatusChangeRequest(referralID: referral.id, status: .accepted, party: .agency), context: H.agency())
                async let a = attempt { try await store.changeStatus(StatusChangeRequest(referralID: referral.id, status: .inProgress, party: .agency,
                                                                                        expectedVersion: accepted.version), context: H.agency()) }
                async let b = attempt { try await other.changeStatus(StatusChangeRequest(referralID: referral.id, status: .cancelled, party: .referrer,
                                                                                        reason: "person declined", expectedVersion: accepted.version), context: H.caseWorker()) }
                let results = await [a, b]
                let winners = results.filter { if case .success = $0 { true } else { false } }
                #expect(winners.count == 1)
                for case .failure(let error) in results {
                    guard case StoreError.conflict(_, let expected, let current, _)? = error as? StoreError else {
                        Issue.record("expected a conflict, got \(error)"); continue
                    }
                    #expect(expected == accepted.version && current == accepted.version + 1)
                }
                let final = try await store.referral(id: referral.id, context: H.caseWorker())
                #expect(final.version == accepted.version + 1)
                #expect(final.history?.count == 3)
            }
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func racingAnswersWithoutVersionsApplyOnceAndRefuseTheRest(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            let other = try await harness.open()
            let referral = try await store.createReferral(H.request(), context: H.caseWorker())
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for i in 0..<8 {
                    let target = i % 2 == 0 ? store : other
                    group.addTask {
                        (try? await target.changeStatus(StatusChangeRequest(referralID: referral.id, status: .accepted, party: .agency), context: H.agency())) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            let final = try await store.referral(id: referral.id, context: H.caseWorker())
            #expect(final.history?.map(\.to) == [.requested, .accepted])
            guard case .intact = try await store.audit.verify() else { Issue.record("audit chain broken"); return }
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aConsentMustNameTheRecipientAndBeInForce(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            var wrong = H.request()
            wrong.consent = H.consent("ORG-WORK")
            await #expect(throws: StoreError.consentRecipientMismatch(recipient: "ORG-WORK", organization: "ORG-SHELTER")) {
                try await store.createReferral(wrong, context: H.caseWorker())
            }
            var expired = H.request()
            expired.consent = H.consent(expires: H.capturedAt.addingTimeInterval(86_400))
            await #expect(throws: StoreError.self) { try await store.createReferral(expired, context: H.caseWorker()) }
            await #expect(throws: StoreError.serviceNotFound("svc-nowhere")) {
                var missing = H.request()
                missing.serviceID = "svc-nowhere"
                return try await store.createReferral(missing, context: H.caseWorker())
            }
            // Nothing was stored by the refused requests.
            let stored = try await store.referrals(ReferralFilter(), context: H.caseWorker())
            #expect(stored.isEmpty)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func revokingConsentCancelsWhatWasNotYetDelivered(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            let waiting = try await store.createReferral(H.request(), context: H.caseWorker())
            let revocation = try await store.revokeConsent(referralID: waiting.id, context: H.caseWorker())
            #expect(revocation.cancelled == [waiting.id])
            #expect(!revocation.alreadyDelivered)
            let after = try await store.referral(id: waiting.id, context: H.caseWorker())
            #expect(after.status == .cancelled)
            #expect(after.history?.last?.reason == "consent revoked")
            #expect(after.history?.last?.source == .system)
            #expect(try await store.outboxEntry(referralID: waiting.id)?.state == .cancelled)
            #expect(try await store.consent(referralID: waiting.id, context: H.caseWorker()).consent.revokedAt != nil)
            await #expect(throws: StoreError.consentAlreadyRevoked(referral: waiting.id)) {
                try await store.revokeConsent(referralID: waiting.id, context: H.caseWorker())
            }

            // Delivered already: the referral stays, nothing more is sent.
            let delivered = try await store.createReferral(H.request(H.ips), context: H.caseWorker())
            try await harness.execute("UPDATE outbox SET state = 'delivered' WHERE referral_id = '\(delivered.id)'")
            let late = try await store.revokeConsent(referralID: delivered.id, context: H.caseWorker())
            #expect(late.cancelled.isEmpty && late.alreadyDelivered)
            #expect(try await store.referral(id: delivered.id, context: H.caseWorker()).status == .requested)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aReferralWaitingPastTwoBusinessDaysIsOverdue(_ backend: AuditBackend) async throws {
        let calendar = BusinessCalendar(holidays: [CalendarDay(year: 2026, month: 11, day: 26)!])
        try await H.with(backend, calendar: calendar) { _, store in
            // Sent Friday morning: due Tuesday morning, the weekend not counted.
            let friday = H.at("2026-11-20T10:00:00Z")
            let referral = try await store.createReferral(H.request(), context: H.caseWorker(friday))
            #expect(referral.respondBy == H.at("2026-11-24T10:00:00Z"))
            // Sent Wednesday before Thanksgiving: due Monday.
            let beforeHoliday = try await store.createReferral(H.request(H.ips), context: H.caseWorker(H.at("2026-11-25T09:00:00Z")))
            #expect(beforeHoliday.respondBy == H.at("2026-11-30T09:00:00Z"))

            let monday = ReferralFilter(overdueAt: H.at("2026-11-23T12:00:00Z"))
            #expect(try await store.referrals(monday, context: H.caseWorker()).isEmpty)
            let wednesday = ReferralFilter(overdueAt: H.at("2026-11-25T12:00:00Z"))
            #expect(try await store.referrals(wednesday, context: H.caseWorker()).map(\.id) == [referral.id])
            #expect(!referral.isOverdue(at: H.at("2026-11-24T09:59:59Z")))
            #expect(referral.isOverdue(at: H.at("2026-11-24T10:00:00Z")))

            // An answer ends it.
            _ = try await store.changeStatus(StatusChangeRequest(referralID: referral.id, status: .accepted, party: .agency), context: H.agency(H.at("2026-11-25T13:00:00Z")))
            #expect(try await store.referrals(wednesday, context: H.caseWorker()).isEmpty)

            // A partner's own deadline wins over the default.
            try await store.savePartner(Partner(id: "clinic", organizations: ["ORG-CLINIC"], endpoint: URL(string: "https://clinic.example.org/r")!,
                                                responseDeadlineBusinessDays: 5), context: H.caseWorker())
            let clinic = try await store.createReferral(H.request(H.clinic), context: H.caseWorker(friday))
            #expect(clinic.respondBy == H.at("2026-11-30T10:00:00Z"))  // five business days, Thanksgiving skipped
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func listsFilterByStatusAndOrganization(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let a = try await store.createReferral(H.request(H.shelter), context: H.caseWorker(H.at("2026-11-20T10:00:00Z")))
            let b = try await store.createReferral(H.request(H.ips), context: H.caseWorker(H.at("2026-11-20T11:00:00Z")))
            _ = try await store.changeStatus(StatusChangeRequest(referralID: b.id, status: .accepted, party: .agency), context: H.agency())
            #expect(try await store.referrals(ReferralFilter(), context: H.caseWorker()).map(\.id) == [b.id, a.id])
            #expect(try await store.referrals(ReferralFilter(status: .accepted), context: H.caseWorker()).map(\.id) == [b.id])
            #expect(try await store.referrals(ReferralFilter(organizationID: "ORG-SHELTER"), context: H.caseWorker()).map(\.id) == [a.id])
            #expect(try await store.referrals(ReferralFilter(limit: 1, offset: 1), context: H.caseWorker()).map(\.id) == [a.id])
        }
    }
}

func attempt<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
    do { return .success(try await body()) } catch { return .failure(error) }
}

extension Int64 {
    var asInt: Int { Int(self) }
}
