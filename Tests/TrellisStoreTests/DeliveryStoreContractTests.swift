import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// The outbox from the delivery worker's side, on every backend: claims, leases, attempts,
/// undeliverable partners and sending again by hand.
@Suite struct DeliveryStoreContractTests {
    typealias H = StoreHarness
    static let worker = AuditContext(actor: "system:delivery", purpose: "treatment")

    static func report(_ id: String, owner: String, _ resolution: DeliveryResolution, status: Int? = 201) -> DeliveryReport {
        DeliveryReport(referralID: id, owner: owner, partnerID: "harbor",
                       attempt: DeliveryAttempt(at: Date(), durationMS: 12.5, httpStatus: status, errorClass: status == 201 ? nil : "http",
                                                responseExcerpt: "ok", outcome: resolution == .delivered ? .delivered : .failed),
                       resolution: resolution, disclosed: [.contact, .needs])
    }

    @Test(arguments: AuditBackend.allCases)
    func aClaimCarriesTheOpenedPersonConsentAndService(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let created = try await store.createReferral(H.request(note: "call after 10"), context: H.caseWorker())
            let claims = try await store.claimDeliveries(owner: "w1", now: Date(), lease: 60, limit: 10, context: Self.worker)
            let claim = try #require(claims.first)
            #expect(claims.count == 1)
            #expect(claim.referral.id == created.id)
            #expect(claim.attempts == 0)
            #expect(claim.person.profile.person.name == "Maria Quintero-Vasquez")
            #expect(claim.person.note == "call after 10")
            #expect(claim.consent.consent.categories == [.contact, .demographics, .needs])
            #expect(claim.service?.id == H.shelter.id)
            #expect(claim.idempotencyKey == (try await store.outboxEntry(referralID: created.id))?.idempotencyKey)
            #expect(try await store.outboxEntry(referralID: created.id)?.state == .claimed)
            #expect(try await store.claimDeliveries(owner: "w2", now: Date(), lease: 60, limit: 10, context: Self.worker).isEmpty,
                    "a claimed row is nobody else's until its lease runs out")
            let audit = try await store.audit.records(after: 0, limit: 1_000).map(\.event)
            #expect(audit.contains { $0.action == .read && $0.entity == "person" && $0.detail == "for delivery of \(created.id)" })
        }
    }

    /// Two workers (on PostgreSQL: two connection pools, as two processes) claim at once: every row
    /// goes to exactly one of them.
    @Test(arguments: AuditBackend.allCases)
    func concurrentWorkersNeverClaimTheSameRow(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            var ids: [String] = []
            for i in 0..<24 { ids.append(try await store.createReferral(H.request(ref: "P-\(i)"), context: H.caseWorker()).id) }
            let other = try await harness.open()
            let all = try await withThrowingTaskGroup(of: [String].self) { group in
                for (name, s) in [("w1", store), ("w2", other)] {
                    group.addTask {
                        var mine: [String] = []
                        while true {
                            let batch = try await s.claimDeliveries(owner: name, now: Date(), lease: 60, limit: 5, context: Self.worker)
                            if batch.isEmpty { return mine }
                            mine += batch.map(\.referral.id)
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            #expect(all.count == 24)
            #expect(Set(all) == Set(ids))
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aLeaseThatRunsOutIsTakenOverAndTheFirstWorkerCanNoLongerRecord(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let created = try await store.createReferral(H.request(), context: H.caseWorker())
            let now = Date()
            _ = try await store.claimDeliveries(owner: "dead", now: now, lease: 30, limit: 10, context: Self.worker)
            #expect(try await store.claimDeliveries(owner: "w2", now: now.addingTimeInterval(29), lease: 30, limit: 10, context: Self.worker).isEmpty)
            let taken = try await store.claimDeliveries(owner: "w2", now: now.addingTimeInterval(31), lease: 30, limit: 10, context: Self.worker)
            #expect(taken.map(\.referral.id) == [created.id])
            // The first worker wakes up and reports: its claim is gone, so nothing changes.
            try await store.recordDelivery(Self.report(created.id, owner: "dead", .delivered), context: Self.worker)
            #expect(try await store.outboxEntry(referralID: created.id)?.state == .claimed)
            try await store.recordDelivery(Self.report(created.id, owner: "w2", .delivered), context: Self.worker)
            let entry = try #require(try await store.outboxEntry(referralID: created.id))
            #expect(entry.state == .delivered && entry.attempts == 1)
            #expect(try await store.deliveryAttempts(referralID: created.id).count == 2, "every attempt is recorded, even a late one")
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func recordingMovesTheRowAndAuditsTheDisclosure(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let delivered = try await store.createReferral(H.request(ref: "P-1"), context: H.caseWorker())
            let retried = try await store.createReferral(H.request(ref: "P-2"), context: H.caseWorker())
            _ = try await store.claimDeliveries(owner: "w1", now: Date(), lease: 60, limit: 10, context: Self.worker)
            try await store.recordDelivery(Self.report(delivered.id, owner: "w1", .delivered), context: Self.worker)
            let next = Date().addingTimeInterval(30)
            var retry = Self.report(retried.id, owner: "w1", .retry(at: next), status: 503)
            retry.problem = "HTTP 503: busy"
            try await store.recordDelivery(retry, context: Self.worker)

            #expect(try await store.outboxEntry(referralID: delivered.id)?.state == .delivered)
            let waiting = try #require(try await store.outboxEntry(referralID: retried.id))
            #expect(waiting.state == .pending && waiting.attempts == 1 && waiting.lastError == "HTTP 503: busy")
            #expect(abs((waiting.nextAttemptAt ?? .distantPast).timeIntervalSince(next)) < 0.01)
            let due = try #require(try await store.nextDeliveryDue())
            #expect(abs(due.timeIntervalSince(next)) < 0.01)
            #expect(try await store.claimDeliveries(owner: "w1", now: Date(), lease: 60, limit: 10, context: Self.worker).isEmpty)
            #expect(try await store.claimDeliveries(owner: "w1", now: next.addingTimeInterval(1), lease: 60, limit: 10, context: Self.worker).count == 1)

            let attempt = try #require(try await store.deliveryAttempts(referralID: delivered.id).first)
            #expect(attempt.httpStatus == 201 && attempt.durationMS == 12.5 && attempt.outcome == .delivered)
            let audit = try await store.audit.records(after: 0, limit: 1_000).map(\.event)
            let disclosure = try #require(audit.first { $0.action == .execute && $0.entityID == delivered.id })
            #expect(disclosure.outcome == .success)
            #expect(disclosure.detail == "disclosure to harbor; HTTP 201; disclosed contact,needs; delivered")
            #expect(audit.contains { $0.action == .execute && $0.entityID == retried.id && $0.outcome == .failure })
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func goneMarksOnlyThatPartnersOrganizationsAndARetryByHandSendsAgain(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let shelter = try await store.createReferral(H.request(ref: "P-1"), context: H.caseWorker())
            let work = try await store.createReferral(H.request(H.ips, ref: "P-2"), context: H.caseWorker())
            let marked = try await store.markUndeliverable(organizations: ["ORG-SHELTER"], reason: "410 Gone", context: Self.worker)
            #expect(marked == [shelter.id])
            #expect(try await store.outboxEntry(referralID: shelter.id)?.state == .undeliverable)
            #expect(try await store.outboxEntry(referralID: work.id)?.state == .pending)

            let again = try await store.retryDelivery(referralID: shelter.id, context: H.caseWorker())
            #expect(again.state == .pending)
            #expect(try await store.claimDeliveries(owner: "w1", now: Date(), lease: 60, limit: 10, context: Self.worker).count == 2)
            try await store.recordDelivery(Self.report(shelter.id, owner: "w1", .delivered), context: Self.worker)
            await #expect(throws: StoreError.self, "a delivered referral is not sent again") {
                _ = try await store.retryDelivery(referralID: shelter.id, context: H.caseWorker())
            }
            _ = try await store.changeStatus(StatusChangeRequest(referralID: work.id, status: .cancelled, party: .referrer, reason: "moved away"),
                                             context: H.caseWorker())
            await #expect(throws: StoreError.self, "a cancelled referral is not sent") {
                _ = try await store.retryDelivery(referralID: work.id, context: H.caseWorker())
            }
            let denied = try await store.audit.records(after: 0, limit: 1_000).map(\.event).filter { $0.entity == "outbox" && $0.outcome == .denied }
            #expect(denied.count == 2, "refused retries are audited")
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aPartnersMessageAppliesOnceAndOnlyToItsOwnReferrals(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let shelter = try await store.createReferral(H.request(ref: "P-1"), context: H.caseWorker())
            let message = StatusChangeRequest.PartnerMessage(partnerID: "harbor", organizations: ["ORG-SHELTER"], messageID: "msg_1")
            func answer(_ status: ReferralStatus, _ message: StatusChangeRequest.PartnerMessage) async throws -> Referral {
                try await store.changeStatus(StatusChangeRequest(referralID: shelter.id, status: status, party: .agency, source: .callback,
                                                                 partnerMessage: message), context: H.agency())
            }
            #expect(try await answer(.accepted, message).status == .accepted)
            await #expect(throws: StoreError.replayedMessage(partner: "harbor", message: "msg_1")) { _ = try await answer(.inProgress, message) }
            let stranger = StatusChangeRequest.PartnerMessage(partnerID: "beacon", organizations: ["ORG-WORK"], messageID: "msg_2")
            await #expect(throws: StoreError.notPartnersReferral(partner: "beacon", referral: shelter.id)) { _ = try await answer(.inProgress, stranger) }
            // A refused message is not consumed: sent again once fixed, it applies.
            let retried = StatusChangeRequest.PartnerMessage(partnerID: "harbor", organizations: ["ORG-SHELTER"], messageID: "msg_3")
            await #expect(throws: StoreError.self) { _ = try await answer(.completed, retried) }
            #expect(try await answer(.inProgress, retried).status == .inProgress)
            #expect(try await store.referral(id: shelter.id, context: H.caseWorker()).version == 3)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aRemovedPartnerNoLongerAnswersForItsOrganizations(_ backend: AuditBackend) async throws {
        try await H.with(backend, recipients: false) { _, store in
            let partner = Partner(id: "harbor", organizations: ["ORG-SHELTER", "ORG-WORK"], endpoint: URL(string: "https://harbor.example/in")!)
            try await store.savePartner(partner, context: H.caseWorker())
            #expect(try await store.partner(answeringFor: "ORG-WORK")?.id == "harbor")
            #expect(try await store.removePartner(id: "harbor", context: H.caseWorker()))
            #expect(try await store.partner(answeringFor: "ORG-WORK") == nil)
            #expect(try await store.partners().isEmpty)
            #expect(try await store.removePartner(id: "harbor", context: H.caseWorker()) == false)
            let audit = try await store.audit.records(after: 0, limit: 1_000).map(\.event).filter { $0.entity == "partner" }
            #expect(audit.map(\.action) == [.update, .delete, .delete])
            #expect(audit.map(\.outcome) == [.success, .success, .failure])
        }
    }
}
