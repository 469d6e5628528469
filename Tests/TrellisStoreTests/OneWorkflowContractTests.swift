import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// Where the two backends used to behave differently, they now behave alike: one concurrency strategy
/// and one placement for a read's audit record.
@Suite struct OneWorkflowContractTests {
    typealias H = StoreHarness

    /// A move that names no version (a partner's answer) is decided on the referral as it is when it
    /// commits: losing a race to another change never surfaces as a conflict, only as the lifecycle's
    /// verdict on the new state.
    @Test(arguments: AuditBackend.allCases)
    func aMoveWithoutAVersionIsNeverRefusedAsAConflict(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            let other = try await harness.open()
            for _ in 0..<4 {
                let referral = try await store.createReferral(H.request(), context: H.caseWorker())
                async let accept = attempt { try await store.changeStatus(StatusChangeRequest(referralID: referral.id, status: .accepted, party: .agency),
                                                                          context: H.agency()) }
                async let start = attempt { try await other.changeStatus(StatusChangeRequest(referralID: referral.id, status: .inProgress, party: .agency),
                                                                         context: H.agency()) }
                let results = await [accept, start]
                for case .failure(let error) in results {
                    if case StoreError.conflict? = error as? StoreError { Issue.record("a move without a version was refused as a conflict: \(error)") }
                }
                let final = try await store.referral(id: referral.id, context: H.caseWorker())
                let applied = results.filter { if case .success = $0 { true } else { false } }.count
                #expect(final.version == 1 + applied)
                #expect(final.history?.count == 1 + applied)
                #expect(final.history?.first?.to == .requested)
            }
            guard case .intact = try await store.audit.verify() else { Issue.record("audit chain broken"); return }
        }
    }

    /// Every read of a person's data is in the trail by the time the read returns, on both backends,
    /// and a refused read's record likewise by the time its error does.
    @Test(arguments: AuditBackend.allCases)
    func aReadsAuditRecordIsDurableBeforeTheReadReturns(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            let referral = try await store.createReferral(H.request(), context: H.caseWorker())
            // Another process's view: what is committed, not what this store holds in memory.
            let observer = try await harness.open()
            func newest() async throws -> AuditEvent { try #require(try await observer.audit.head()).event }

            _ = try await store.referral(id: referral.id, context: H.caseWorker())
            #expect(try await newest().entity == "referral")
            #expect(try await newest().entityID == referral.id)
            #expect(try await newest().action == .read)

            let person = try await store.person(referralID: referral.id, context: H.caseWorker())
            #expect(try await newest().entity == "person")
            #expect(try await newest().entityID == person.personID)

            let consent = try await store.consent(referralID: referral.id, context: H.caseWorker())
            #expect(try await newest().entity == "consent")
            #expect(try await newest().entityID == consent.id)

            await #expect(throws: StoreError.referralNotFound(referral.id)) {
                try await store.referral(id: referral.id, scope: .addressedTo(organizations: ["ORG-ELSEWHERE"]), context: H.agency())
            }
            #expect(try await newest().outcome == .denied)
            #expect(try await newest().entityID == referral.id)

            _ = try await store.referrals(ReferralFilter(), context: H.caseWorker())
            #expect(try await newest().entityID == "*")
        }
    }

    /// Two first referrals for one person, made at once from two processes, meet at one person row.
    @Test(arguments: AuditBackend.allCases)
    func firstReferralsForOnePersonMadeAtOnceShareThePerson(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            let other = try await harness.open()
            async let a = store.createReferral(H.request(ref: "P-RACE"), context: H.caseWorker())
            async let b = other.createReferral(H.request(ref: "P-RACE"), context: H.caseWorker())
            let (first, second) = try await (a, b)
            let people = try await (store.person(referralID: first.id, context: H.caseWorker()).personID,
                                    store.person(referralID: second.id, context: H.caseWorker()).personID)
            #expect(people.0 == people.1)
        }
    }
}
