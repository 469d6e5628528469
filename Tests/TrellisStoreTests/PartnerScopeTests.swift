import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// A partner sees only what reached it: never a draft, nor a referral cancelled before it was delivered.
@Suite struct PartnerScopeTests {
    typealias H = StoreHarness
    static let shelter = ReferralScope.addressedTo(organizations: ["ORG-SHELTER"])
    static let worker = AuditContext(actor: "system:delivery", purpose: "treatment")

    @Test(arguments: AuditBackend.allCases)
    func draftsAndReferralsCancelledBeforeDeliveryAreNotThePartners(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let draft = try await store.createReferral(H.request(ref: "P-1", draft: true), context: H.caseWorker())
            let cancelledEarly = try await store.createReferral(H.request(ref: "P-2"), context: H.caseWorker())
            _ = try await store.changeStatus(StatusChangeRequest(referralID: cancelledEarly.id, status: .cancelled, party: .referrer,
                                                                 reason: "sent by mistake"), context: H.caseWorker())
            let delivered = try await store.createReferral(H.request(ref: "P-3"), context: H.caseWorker())
            let cancelledLate = try await store.createReferral(H.request(ref: "P-4"), context: H.caseWorker())
            let claims = try await store.claimDeliveries(owner: "w1", now: Date(), lease: 60, limit: 10, context: Self.worker)
            #expect(Set(claims.map(\.referral.id)) == [delivered.id, cancelledLate.id])
            try await store.recordDeliveries(claims.map { claim in
                DeliveryReport(referralID: claim.referral.id, owner: "w1", partnerID: "harbor",
                               attempt: DeliveryAttempt(at: Date(), durationMS: 5, httpStatus: 201, errorClass: nil, responseExcerpt: "ok", outcome: .delivered),
                               resolution: .delivered, disclosed: [.needs])
            }, context: Self.worker)
            _ = try await store.changeStatus(StatusChangeRequest(referralID: cancelledLate.id, status: .cancelled, party: .referrer,
                                                                 reason: "the person moved"), context: H.caseWorker())

            let listed = try await store.referrals(ReferralFilter(scope: Self.shelter), context: H.agency())
            #expect(Set(listed.map(\.id)) == [delivered.id, cancelledLate.id], "the partner is told of a cancellation only of what it had")
            for hidden in [draft, cancelledEarly] {
                await #expect(throws: StoreError.referralNotFound(hidden.id)) {
                    try await store.referral(id: hidden.id, scope: Self.shelter, context: H.agency())
                }
            }
            #expect(try await store.referral(id: cancelledLate.id, scope: Self.shelter, context: H.agency()).status == .cancelled)
            // Nor may the partner answer them: they are not its referrals.
            for hidden in [draft, cancelledEarly] {
                let answer = StatusChangeRequest(referralID: hidden.id, status: .accepted, party: .agency,
                                                 partnerMessage: .init(partnerID: "harbor", organizations: ["ORG-SHELTER"], messageID: "m-\(hidden.id)"))
                await #expect(throws: StoreError.notPartnersReferral(partner: "harbor", referral: hidden.id)) {
                    try await store.changeStatus(answer, context: H.agency())
                }
            }
            // The referrer still sees all four.
            #expect(try await store.referrals(ReferralFilter(scope: .everything), context: H.caseWorker()).count == 4)
        }
    }

    @Test func theRuleAsATable() {
        let table: [(ReferralStatus, Bool, Bool)] = [
            (.draft, false, false), (.draft, true, false), (.requested, false, true), (.cancelled, false, false),
            (.cancelled, true, true), (.accepted, true, true), (.completed, true, true),
        ]
        for (status, delivered, seen) in table {
            #expect(ReferralScope.reachedPartner(status, delivered: delivered) == seen, "\(status) delivered \(delivered)")
        }
    }
}
