import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// Agencies without a system of their own: their users, the referrals kept in their inbox, and a
/// referral nobody could receive, refused up front.
@Suite struct InboxStoreContractTests {
    typealias H = StoreHarness

    static let harbor = Partner(id: "harbor-inbox", organizations: ["ORG-SHELTER"], endpoint: nil, notifyEmail: "intake@harbor.example.org")

    @Test(arguments: AuditBackend.allCases)
    func anAgencyUserAnswersForEveryOrganizationTheyWereGiven(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let user = UserAccount(id: "ag-1", name: "Intake desk", role: .agency, organizationID: "ORG-SHELTER",
                                   organizations: ["ORG-SHELTER", "ORG-WORK"], createdAt: H.capturedAt, notifyEmail: "desk@example.org")
            try await store.addUser(user, passwordHash: nil, context: H.caseWorker())
            #expect(try await store.user(id: "ag-1") == user)
            #expect(try await store.users().first { $0.id == "ag-1" } == user)
            let token = try await store.issueToken(userID: "ag-1", expiresAt: nil, context: H.caseWorker())
            #expect(try await store.checkToken(token.secret, context: H.caseWorker()).user?.organizations == ["ORG-SHELTER", "ORG-WORK"])
            // Everyone else keeps their one organization.
            try await store.addUser(UserAccount(id: "cw-1", name: "Case worker", role: .caseworker, organizationID: "ORG-COUNTY", createdAt: H.capturedAt),
                                    passwordHash: nil, context: H.caseWorker())
            #expect(try await store.user(id: "cw-1")?.organizations == ["ORG-COUNTY"])
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aReferralToAnInboxAgencyIsInItsInboxAtOnceWithNothingToSend(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            try await store.savePartner(Self.harbor, context: H.caseWorker())
            let referral = try await store.createReferral(H.request(), context: H.caseWorker())
            #expect(referral.status == .requested)
            #expect(try await store.outboxEntry(referralID: referral.id) == nil)
            let inbox = ReferralScope.addressedTo(organizations: ["ORG-SHELTER"])
            #expect(try await store.referrals(ReferralFilter(scope: inbox), context: H.agency()).map(\.id) == [referral.id])
            #expect(try await store.referral(id: referral.id, scope: inbox, context: H.agency()).id == referral.id)
            // Cancelled after it reached the inbox, the agency still sees it (as cancelled).
            _ = try await store.changeStatus(StatusChangeRequest(referralID: referral.id, status: .cancelled, party: .referrer, reason: "moved away"),
                                             context: H.caseWorker())
            #expect(try await store.referral(id: referral.id, scope: inbox, context: H.agency()).status == .cancelled)
            // A draft is not in the inbox until it is sent; sending it puts it there, still with nothing to send.
            let draft = try await store.createReferral(H.request(draft: true), context: H.caseWorker())
            await #expect(throws: StoreError.referralNotFound(draft.id)) { try await store.referral(id: draft.id, scope: inbox, context: H.agency()) }
            _ = try await store.changeStatus(StatusChangeRequest(referralID: draft.id, status: .requested, party: .referrer), context: H.caseWorker())
            #expect(try await store.referral(id: draft.id, scope: inbox, context: H.agency()).status == .requested)
            #expect(try await store.outboxEntry(referralID: draft.id) == nil)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aReferralNobodyCouldReceiveIsRefusedNamingTheOrganization(_ backend: AuditBackend) async throws {
        try await H.with(backend, recipients: false) { _, store in
            await #expect(throws: StoreError.noRecipient(organization: "ORG-SHELTER")) {
                try await store.createReferral(H.request(), context: H.caseWorker())
            }
            #expect(try await store.referrals(ReferralFilter(), context: H.caseWorker()).isEmpty)
            // A draft may wait for the organization to be added; sending it may not.
            let draft = try await store.createReferral(H.request(draft: true), context: H.caseWorker())
            await #expect(throws: StoreError.noRecipient(organization: "ORG-SHELTER")) {
                try await store.changeStatus(StatusChangeRequest(referralID: draft.id, status: .requested, party: .referrer), context: H.caseWorker())
            }
            let refusal = try #require(try await store.audit.head()).event
            #expect(refusal.outcome == .denied && refusal.entityID == draft.id)
            #expect(try await store.referral(id: draft.id, context: H.caseWorker()).status == .draft)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func eachUsersFirstOpeningIsAuditedAsTheDisclosure(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            try await store.savePartner(Self.harbor, context: H.caseWorker())
            let referral = try await store.createReferral(H.request(), context: H.caseWorker())
            #expect(try await store.openedInInbox(referralIDs: [referral.id]).isEmpty)
            let desk = AuditContext(actor: "ag-1", purpose: "coordination")
            #expect(try await store.recordInboxOpening(referralID: referral.id, disclosed: [.contact, .needs], context: desk))
            let disclosure = try #require(try await store.audit.head()).event
            #expect(disclosure.action == .execute && disclosure.entityID == referral.id && disclosure.actor == "ag-1")
            #expect(disclosure.detail?.hasSuffix("disclosed contact,needs") == true)
            #expect(try await store.recordInboxOpening(referralID: referral.id, disclosed: [.contact, .needs], context: desk) == false)
            #expect(try await store.audit.head()?.event.sequence == disclosure.sequence)
            #expect(try await store.recordInboxOpening(referralID: referral.id, disclosed: [.contact], context: AuditContext(actor: "ag-2")))
            #expect(try await store.openedInInbox(referralIDs: [referral.id, "ref-unknown"]) == [referral.id])
        }
    }
}
