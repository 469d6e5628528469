import Crypto
import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// What a county security officer checks: people's details sealed at rest, only ids in the audit
/// trail, every touch audited, tokens stored hashed.
@Suite struct StoreSecurityTests {
    typealias H = StoreHarness

    @Test(arguments: AuditBackend.allCases)
    func namesContactDetailsProfilesAndNotesAreNotInTheDatabase(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            let referral = try await store.createReferral(H.request(note: "call after 3pm, ask for Maria"), context: H.caseWorker())
            _ = try await store.person(referralID: referral.id, context: H.caseWorker())
            try await store.close()
            let stored = try await harness.storedBytes()
            #expect(stored.count > 1_000)
            for secret in ["Quintero", "555-0199", "maria.q@example.org", "call after 3pm", "emergency_shelter\",\"urgency", "Douglas"] {
                #expect(stored.range(of: Data(secret.utf8)) == nil, "\(secret) is readable in the database")
            }
            // The pseudonymous reference is what the database may show.
            #expect(stored.range(of: Data("P-1042".utf8)) != nil)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func anotherKeyCannotOpenThePersonAndSaysSo(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            let referral = try await store.createReferral(H.request(), context: H.caseWorker())
            let stranger = try await harness.open(cipher: PersonCipher(key: SymmetricKey(size: .bits256)))
            await #expect(throws: StoreError.self) { try await stranger.person(referralID: referral.id, context: H.caseWorker()) }
            do {
                _ = try await stranger.person(referralID: referral.id, context: H.caseWorker())
            } catch let error as StoreError {
                #expect(error.description.contains("another data key"))
            }
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aSealedNameMovedToAnotherPersonDoesNotOpen(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            let first = try await store.createReferral(H.request(ref: "P-1"), context: H.caseWorker())
            let second = try await store.createReferral(NewReferral(profile: H.profile(ref: "P-2", name: "Someone Else"), serviceID: H.ips.id,
                                                                    consent: H.consent("ORG-WORK")), context: H.caseWorker())
            try await harness.execute("UPDATE person SET sealed_name = (SELECT sealed_name FROM person WHERE ref = 'P-1') WHERE ref = 'P-2'")
            _ = try await store.person(referralID: first.id, context: H.caseWorker())
            await #expect(throws: StoreError.self) { try await store.person(referralID: second.id, context: H.caseWorker()) }
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func everyTouchOfAPersonsDataIsAuditedWithIdsOnly(_ backend: AuditBackend) async throws {
        try await H.with(backend) { _, store in
            let referral = try await store.createReferral(H.request(note: "secret note"), context: H.caseWorker())
            _ = try await store.referral(id: referral.id, context: H.caseWorker())
            _ = try await store.person(referralID: referral.id, context: H.caseWorker())
            _ = try await store.referrals(ReferralFilter(), context: H.caseWorker())
            _ = try await store.changeStatus(StatusChangeRequest(referralID: referral.id, status: .accepted, party: .agency), context: H.agency())
            _ = try await store.revokeConsent(referralID: referral.id, context: H.caseWorker())
            // The harness's setup stores the organizations' partners (a referral needs a recipient): not a person's data.
            let records = try await store.audit.records(after: 0, limit: 100).map(\.event).filter { $0.entity != "partner" }
            let seen = records.map { "\($0.action.rawValue) \($0.entity)" }
            #expect(seen == ["C directory", "C person", "C consent", "C referral", "R referral", "R person", "R referral",
                             "U referral", "U consent"])
            #expect(records.first { $0.entity == "referral" && $0.action == .update }?.actor == "partner:shelter")
            for event in records {
                let text = [event.actor, event.entityID, event.detail ?? "", event.purpose ?? ""].joined(separator: " ")
                // Whole values: a random id may well contain "555", never a whole phone number or name.
                for secret in ["Maria Quintero-Vasquez", "+1-402-555-0199", "maria.q@example.org", "secret note"] {
                    #expect(!text.contains(secret), "\(secret) is in the audit trail")
                }
            }
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func tokensAreStoredHashedAndSignInsAudited(_ backend: AuditBackend) async throws {
        try await H.with(backend) { harness, store in
            let user = UserAccount(id: "cw-7", name: "Casey Worker", role: .caseworker, organizationID: "ORG-CMHC", createdAt: H.capturedAt)
            try await store.addUser(user, passwordHash: "$2b$12$abcdefghijklmnopqrstuv", context: AuditContext(actor: "admin-1", purpose: "security"))
            #expect(try await store.user(id: "cw-7") == user)
            #expect(try await store.passwordHash(userID: "cw-7") == "$2b$12$abcdefghijklmnopqrstuv")
            let token = try await store.issueToken(userID: "cw-7", expiresAt: nil, context: AuditContext(actor: "admin-1"))
            #expect(token.secret.hasPrefix("trt_") && token.secret.count > 40)
            #expect(try await store.user(bearing: token.secret, context: AuditContext(actor: "anonymous", sourceAddress: "127.0.0.1")) == user)
            // An unknown token is only read: the server counts such refusals, the store writes nothing.
            let before = try #require(try await store.audit.head()).event.sequence
            #expect(try await store.user(bearing: token.secret + "x", context: AuditContext(actor: "anonymous", sourceAddress: "127.0.0.1")) == nil)
            #expect(try await store.audit.head()?.event.sequence == before)

            let expiring = try await store.issueToken(userID: "cw-7", expiresAt: Date().addingTimeInterval(-1), context: AuditContext(actor: "admin-1"))
            #expect(try await store.user(bearing: expiring.secret, context: AuditContext(actor: "anonymous", sourceAddress: "127.0.0.1")) == nil)
            let head = try #require(try await store.audit.head())
            #expect(head.event.outcome == .denied && head.event.entity == "session" && head.event.sourceAddress == "127.0.0.1")
            await #expect(throws: StoreError.userNotFound("nobody")) {
                try await store.issueToken(userID: "nobody", expiresAt: nil, context: AuditContext(actor: "admin-1"))
            }
            try await store.close()
            let stored = try await harness.storedBytes()
            #expect(stored.range(of: Data(token.secret.utf8)) == nil)
        }
    }
}
