import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// Whose referrals are whose: the referring organization is kept and listed by, on every backend.
@Suite struct ReferringOrganizationTests {
    typealias H = StoreHarness

    @Test(arguments: AuditBackend.allCases)
    func aReferralKeepsItsReferringOrganizationAndListsByIt(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            var ours = H.request(ref: "P-1")
            ours.referrerOrganizationID = "ORG-COUNTY"
            let made = try await store.createReferral(ours, context: H.caseWorker())
            #expect(made.referrerOrganizationID == "ORG-COUNTY")
            var theirs = H.request(ref: "P-2")
            theirs.referrerOrganizationID = "ORG-CLINIC"
            _ = try await store.createReferral(theirs, context: H.caseWorker())
            _ = try await store.createReferral(H.request(ref: "P-3"), context: H.caseWorker())

            #expect(try await store.referral(id: made.id, context: H.caseWorker()).referrerOrganizationID == "ORG-COUNTY")
            let listed = try await store.referrals(ReferralFilter(referrerOrganizationID: "ORG-COUNTY"), context: H.caseWorker())
            #expect(listed.map(\.id) == [made.id])
            #expect(try await store.referrals(ReferralFilter(), context: H.caseWorker()).count == 3)
        }
    }
}
