import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// The person's own words (each need's notes, `preferences.notes`) and access needs are stored
/// sealed with the profile, come back whole to whoever may open it, and never reach the audit trail.
@Suite struct PersonsWordsStoreTests {
    typealias H = StoreHarness

    static let needNote = "Sleeping in her car since Friday"
    static let personNote = "Mornings are hard; call after noon"

    static func request() -> NewReferral {
        var profile = H.profile()
        profile.needs[0].notes = needNote
        profile.needs.append(.init(.familySupport, "caregiver_support", notes: "Her mother looks after her son"))
        profile.preferences.notes = personNote
        profile.preferences.accessibility = [.wheelchair, .hearingLoop]
        profile.preferences.traumaInformed = true
        return NewReferral(profile: profile, serviceID: H.shelter.id, consent: H.consent(H.shelter.organizationID))
    }

    @Test(arguments: AuditBackend.allCases)
    func theWordsAreSealedAtRestAndOpenWhole(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            let referral = try await store.createReferral(Self.request(), context: H.caseWorker())
            let details = try await store.person(referralID: referral.id, context: H.caseWorker())
            #expect(details.profile.needs.map(\.notes) == [Self.needNote, nil, "Her mother looks after her son"])
            #expect(details.profile.preferences.notes == Self.personNote)
            #expect(details.profile.preferences.accessibility == [.wheelchair, .hearingLoop])
            #expect(details.profile.preferences.traumaInformed)
            let records = try await store.audit.records(after: 0, limit: 100).map(\.event)
            for event in records {
                let text = [event.actor, event.entityID, event.detail ?? "", event.purpose ?? ""].joined(separator: " ")
                #expect(!text.contains(Self.needNote) && !text.contains(Self.personNote))
            }
            try await store.close()
            let stored = try await harness.storedBytes()
            for secret in [Self.needNote, Self.personNote, "hearing_loop", "caregiver_support"] {
                #expect(stored.range(of: Data(secret.utf8)) == nil, "\(secret) is readable in the database")
            }
        }
    }
}
