import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// A creation retried with the same key returns the referral made the first time, on every backend;
/// the key belongs to its creator, so another user's same key makes their own referral.
@Suite struct RequestKeyTests {
    typealias H = StoreHarness

    @Test(arguments: AuditBackend.allCases)
    func aRetriedCreationMakesOneReferral(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            var request = H.request(ref: "P-1")
            request.requestKey = "key-1"
            let first = try await store.createReferral(request, context: H.caseWorker())
            let retried = try await store.createReferral(request, context: H.caseWorker())
            #expect(retried.id == first.id)
            #expect(retried.history?.count == 1)
            let elsewhere = try await store.createReferral(request, context: AuditContext(actor: "cw-other"))
            #expect(elsewhere.id != first.id, "keys are per creator")
            request.requestKey = nil
            _ = try await store.createReferral(request, context: H.caseWorker())
            #expect(try await store.referrals(ReferralFilter(), context: H.caseWorker()).count == 3)
            #expect(try await store.outboxEntry(referralID: first.id) != nil)
        }
    }
}
