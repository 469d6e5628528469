import Crypto
import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// The support network on both backends: supporters sealed at rest, a notice queued with a status
/// change only for a supporter the person agreed to copy, its address sealed in the notice row too,
/// and every opening and sending on the audit trail.
@Suite struct SupportNetworkStoreContractTests {
    typealias H = StoreHarness

    static let ann = Supporter(name: "Annabel Okonkwo-Lindqvist", relation: .peerMentor, phone: "+1-402-555-0142",
                               email: "annabel.okonkwo@example.org", consentToUpdates: true)
    static let ben = Supporter(name: "Benedikt Haraldsson-Mwangi", relation: .familyMember, email: "benedikt.h@example.org", consentToUpdates: false)

    static func request(_ supporters: [Supporter]?, ref: String = "P-1042") -> NewReferral {
        var request = H.request(ref: ref)
        request.profile.supporters = supporters
        return request
    }

    /// Every byte kept about people and notices: the SQLite files, or the PostgreSQL rows as text.
    static func stored(_ harness: H) async throws -> String {
        var text = String(decoding: try await harness.storedBytes(), as: UTF8.self)
        if harness.backend == .postgres, let url = harness.postgresURL {
            text += try await TestPostgres.query(url, """
                SELECT coalesce(string_agg(t, ' '), '') FROM (SELECT s::text AS t FROM referral_supporter s UNION ALL SELECT n::text FROM notice n) rows
                """, logger: .init(label: "trellis.tests.supporters"))
        }
        return text
    }

    @Test(arguments: AuditBackend.allCases)
    func supportersAreSealedAtRestAndInTheirNotices(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            let referral = try await store.createReferral(Self.request([Self.ann, Self.ben]), context: H.caseWorker())
            _ = try await store.changeStatus(StatusChangeRequest(referralID: referral.id, status: .accepted, party: .agency), context: H.agency())
            let claims = try await store.claimNotices(owner: "w", now: Date().addingTimeInterval(1), lease: 60, limit: 10)
            #expect(claims.count == 1)
            #expect(claims.first?.recipient == Self.ann.email)
            let bytes = try await Self.stored(harness)
            for secret in [Self.ann.name, Self.ann.email!, Self.ann.phone!, Self.ben.name, Self.ben.email!, "Okonkwo", "Haraldsson"] {
                #expect(!bytes.contains(secret), "no supporter's detail is stored in the clear")
            }
            // The person's own details, opened again, carry the network: sealed, not lost.
            #expect(try await store.person(referralID: referral.id, context: H.caseWorker()).profile.supporters == [Self.ann, Self.ben])
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aNoticeGoesOnlyToASupporterThePersonAgreedToCopy(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let copied = try await store.createReferral(Self.request([Self.ben, Self.ann]), context: H.caseWorker())
            let alone = try await store.createReferral(Self.request([Self.ben], ref: "P-2"), context: H.caseWorker())
            let none = try await store.createReferral(Self.request(nil, ref: "P-3"), context: H.caseWorker())
            let before = try await store.audit.head()?.event.sequence ?? 0
            for referral in [copied, alone, none] {
                _ = try await store.changeStatus(StatusChangeRequest(referralID: referral.id, status: .accepted, party: .agency), context: H.agency())
            }
            let claim = try #require(try await store.claimNotices(owner: "w", now: Date().addingTimeInterval(1), lease: 60, limit: 10).only)
            #expect(claim.kind == .supporterUpdate && claim.recipient == Self.ann.email)
            let notice = try #require(claim.supporterNotice)
            #expect(notice.supporterName == Self.ann.name && notice.personFirstName == "Maria" && notice.status == .accepted)
            #expect(notice.caseWorkerOrganization == "your case worker's office", "a referral made without an organization names none")
            // Only the referral with someone to tell opened the person's data, and said so.
            let opened = try await store.audit.records(after: before, limit: 100).map(\.event).filter { $0.entity == "person" }
            #expect(opened.map(\.detail) == ["supporters of \(copied.id) told of accepted: 1 notice(s) queued"])
            // A second move tells again; a correction does not.
            _ = try await store.changeStatus(StatusChangeRequest(referralID: copied.id, status: .inProgress, party: .agency), context: H.agency())
            _ = try await store.changeStatus(StatusChangeRequest(referralID: copied.id, status: .enteredInError, party: .referrer, reason: "wrong person"),
                                             context: H.caseWorker())
            let later = try await store.claimNotices(owner: "w", now: Date().addingTimeInterval(2), lease: 60, limit: 10)
            #expect(later.compactMap(\.supporterNotice?.status) == [.inProgress])
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aSentSupporterNoticeIsAuditedByItsReferralNeverItsAddress(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let referral = try await store.createReferral(Self.request([Self.ann]), context: H.caseWorker())
            _ = try await store.changeStatus(StatusChangeRequest(referralID: referral.id, status: .rejected, party: .agency, reason: "no capacity"),
                                             context: H.agency())
            let claim = try #require(try await store.claimNotices(owner: "w", now: Date().addingTimeInterval(1), lease: 60, limit: 10).only)
            let system = AuditContext(actor: "system:notices", purpose: "operations")
            try await store.recordNotice(id: claim.id, owner: "w", outcome: .sent(messageID: "m1@trellis"), context: system)
            let record = try #require(try await store.audit.head()).event
            #expect(record.entity == "notice" && record.entityID == claim.id)
            #expect(record.detail == "supporter_update about \(referral.id) sent as m1@trellis")
            let trail = try await store.audit.records(after: 0, limit: 1_000).compactMap(\.event.detail).joined(separator: "\n")
            #expect(!trail.contains(Self.ann.email!) && !trail.contains(Self.ann.name))
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aSupporterThatDoesNotOpenNeverHoldsUpTheStatusChange(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            let referral = try await store.createReferral(Self.request([Self.ann]), context: H.caseWorker())
            // Another server with another data key: the answer is taken, the supporter is not told, and the trail says why.
            let other = try await harness.open(cipher: PersonCipher(key: .init(size: .bits256)))
            let moved = try await other.changeStatus(StatusChangeRequest(referralID: referral.id, status: .accepted, party: .agency), context: H.agency())
            #expect(moved.status == .accepted)
            #expect(try await other.claimNotices(owner: "w", now: Date().addingTimeInterval(1), lease: 60, limit: 10).isEmpty)
            let record = try #require(try await other.audit.records(after: 0, limit: 1_000).map(\.event).last { $0.entity == "person" })
            #expect(record.outcome == .failure && record.detail?.hasSuffix("0 notice(s) queued; 1 supporter(s) did not open") == true)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aCrisisOrASecondRejectionSuggestsAPeerSpecialistUntilThereIsAPeerMentor(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let first = try await store.createReferral(Self.request([Self.ben]), context: H.caseWorker())
            let second = try await store.createReferral(Self.request(nil), context: H.caseWorker())
            let mentored = try await store.createReferral(Self.request([Self.ann], ref: "P-9"), context: H.caseWorker())
            #expect(try await store.suggestsPeerSpecialist(referralID: first.id, context: H.caseWorker()) == false, "urgent, never rejected")
            for referral in [first, second, mentored] {
                _ = try await store.changeStatus(StatusChangeRequest(referralID: referral.id, status: .rejected, party: .agency, reason: "no capacity"),
                                                 context: H.agency())
            }
            #expect(try await store.rejections(personRef: "P-1042", referrerOrganizationID: nil) == 2)
            #expect(try await store.rejections(personRef: "P-1042", referrerOrganizationID: "ORG-ELSEWHERE") == 0)
            #expect(try await store.suggestsPeerSpecialist(referralID: first.id, context: H.caseWorker()), "a second rejection")
            #expect(try await store.suggestsPeerSpecialist(referralID: second.id, context: H.caseWorker()))
            var crisis = Self.request([Self.ann], ref: "P-10")
            crisis.profile.needs = [.init(.housing, urgency: .crisis)]
            let withMentor = try await store.createReferral(crisis, context: H.caseWorker())
            #expect(try await store.suggestsPeerSpecialist(referralID: withMentor.id, context: H.caseWorker()) == false, "a peer mentor is there")
            crisis.profile.supporters = nil
            crisis.profile.person.ref = "P-11"
            let alone = try await store.createReferral(crisis, context: H.caseWorker())
            #expect(try await store.suggestsPeerSpecialist(referralID: alone.id, context: H.caseWorker()), "a crisis")
        }
    }
}

extension Array {
    /// The one element, or nil when there are none or several.
    var only: Element? { count == 1 ? first : nil }
}
