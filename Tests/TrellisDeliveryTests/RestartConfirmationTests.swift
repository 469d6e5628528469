import Foundation
import Testing
import TrellisCore
import TrellisDelivery
import TrellisStore
import TrellisTestSupport

/// Found by scripts/drill-crash: the server sent a referral and was killed before recording it; the
/// agency accepted it; the restarted worker took the row up again after its lease. The row must end
/// delivered (the agency holds the referral) and the disclosure must be in the audit trail, not
/// "cancelled" with no disclosure on record.
@Suite struct RestartConfirmationTests {
    @Test func anAnsweredReferralWhoseAttemptWasLostIsDeliveredAndItsDisclosureAudited() async throws {
        let rig = try await DeliveryRig.make()
        let referral = try #require(try await rig.refer(1).first)
        // The first worker claims it, sends it, and dies before recording anything.
        let lost = try await rig.store.claimDeliveries(owner: "worker-that-died", now: Date(), lease: 10, limit: 10,
                                                        context: AuditContext(actor: "system:delivery", purpose: "coordination"))
        #expect(lost.map(\.referral.id) == [referral.id])
        // The agency got it and accepts it.
        let partner = DeliveryRig.partner("shelter", endpoint: "http://127.0.0.1:9/referrals")
        try await rig.store.savePartner(partner, context: AuditContext(actor: "admin-1", purpose: "operations"))
        _ = try await rig.store.changeStatus(StatusChangeRequest(referralID: referral.id, status: .accepted, party: .agency, source: .callback,
                                                                 partnerMessage: .init(partnerID: "shelter", organizations: ["ORG-42"], messageID: "m-1")),
                                             context: AuditContext(actor: "partner:shelter", purpose: "coordination"))
        // The next worker runs a minute later, when the dead worker's lease is over.
        let worker = try rig.worker([partner], now: { Date().addingTimeInterval(60) })
        _ = try await worker.deliverDue()
        let entry = try await rig.outbox(referral)
        #expect(entry.state == .delivered)
        let trail = try await rig.store.audit.records(after: 0, limit: 1_000).map(\.event)
        #expect(trail.contains { $0.action == .execute && $0.entityID == referral.id && $0.detail?.contains("confirmed by the agency's answer") == true
            && $0.detail?.contains("disclosed contact,needs") == true }, "\(trail.map { $0.detail ?? "" })")
        await rig.close()
    }
}
