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

    @Test(arguments: AuditBackend.allCases)
    func aScopeAdmitsOnlyItsReferralsAndAuditsARefusedRead(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            var ours = H.request(ref: "P-1")
            ours.referrerOrganizationID = "ORG-COUNTY"
            let made = try await store.createReferral(ours, context: H.caseWorker())
            var toClinic = H.request(H.clinic, ref: "P-2")
            toClinic.referrerOrganizationID = "ORG-OTHER"
            let other = try await store.createReferral(toClinic, context: H.caseWorker())

            let county = ReferralScope.referredBy(organization: "ORG-COUNTY")
            #expect(try await store.referral(id: made.id, scope: county, context: H.caseWorker()).id == made.id)
            await #expect(throws: StoreError.referralNotFound(other.id)) {
                try await store.referral(id: other.id, scope: county, context: H.caseWorker())
            }
            let refused = try await store.audit.records(after: 0, limit: 1_000).last
            #expect(refused?.event.entityID == other.id)
            #expect(refused?.event.outcome == .denied)
            #expect(refused?.event.detail?.contains("refused") == true)

            let shelterPartner = ReferralScope.addressedTo(organizations: ["ORG-SHELTER", "ORG-NONE"])
            #expect(try await store.referrals(ReferralFilter(scope: shelterPartner), context: H.agency()).map(\.id) == [made.id])
            #expect(try await store.referrals(ReferralFilter(scope: .addressedTo(organizations: [])), context: H.agency()).isEmpty)
            #expect(try await store.referrals(ReferralFilter(scope: county), context: H.caseWorker()).map(\.id) == [made.id])
            #expect(try await store.referrals(ReferralFilter(scope: .everything), context: H.caseWorker()).count == 2)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aSupervisorsReportCountsOnlyTheirOrganizationsReferrals(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            for (ref, organization) in [("P-1", "ORG-COUNTY"), ("P-2", "ORG-COUNTY"), ("P-3", "ORG-OTHER")] {
                var request = H.request(ref: ref)
                request.referrerOrganizationID = organization
                _ = try await store.createReferral(request, context: H.caseWorker())
            }
            let from = Date().addingTimeInterval(-3_600), to = Date().addingTimeInterval(3_600)
            let all = try await store.loopClosureReport(from: from, to: to, now: Date())
            let county = try await store.loopClosureReport(from: from, to: to, now: Date(), referrerOrganizationID: "ORG-COUNTY")
            #expect(all.overall.sent == 3)
            #expect(county.overall.sent == 2)
            let late = try await store.loopClosureReport(from: from, to: to, now: Date().addingTimeInterval(30 * 86_400), referrerOrganizationID: "ORG-COUNTY")
            #expect(late.overall.overdueNow == 2)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aRevokedTokenNoLongerSignsInAndUsersAreListed(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let user = UserAccount(id: "cw-9", name: "Case Worker", role: .caseworker, organizationID: "ORG-COUNTY", createdAt: Date())
            try await store.addUser(user, passwordHash: nil, context: H.caseWorker())
            let token = try await store.issueToken(userID: user.id, expiresAt: nil, context: H.caseWorker())
            #expect(try await store.user(bearing: token.secret, context: H.caseWorker())?.id == user.id)
            #expect(try await store.revokeToken(secret: token.secret, context: H.caseWorker()))
            #expect(try await store.user(bearing: token.secret, context: H.caseWorker()) == nil)
            #expect(try await store.revokeToken(secret: token.secret, context: H.caseWorker()) == false)
            #expect(try await store.users().map(\.id) == ["cw-9"])
        }
    }
}
