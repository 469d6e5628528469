import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
import TrellisDelivery
@testable import TrellisServer
import TrellisStore
import TrellisTestSupport

/// What happens after the agency answers, through the real application: outcomes and contact attempts
/// from the partner's JSON callback, its FHIR Task and the inbox form; the next matches of a rejected
/// referral and the referral made to one; follow-ups.
@Suite(.serialized) struct FollowThroughRouteTests {
    typealias Served = PartnerAnswerRouteTests.Served
    static let reader = AuditContext(actor: "cw-7")

    static func error(_ json: [String: Any]) -> [String: String] {
        (json["error"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
    }

    @Test func thePartnersJSONCallbackCarriesContactAttemptsAndTheOutcome() async throws {
        let served = try await Served.start()
        let referral = try #require(try await served.rig.refer().first)
        let path = "/v1/partners/harbor/status"
        #expect(try await served.send(.post, path, #"{"referral_id": "\#(referral.id)", "status": "accepted"}"#).status == 200)
        let attempt = #"{"referral_id": "\#(referral.id)", "status": "in-progress", "business_status": "contact_attempted"}"#
        #expect(try await served.send(.post, path, attempt).status == 200)
        #expect(try await served.send(.post, path, attempt).status == 200)
        let bogus = try await served.send(.post, path, #"{"referral_id": "\#(referral.id)", "status": "completed", "outcome": {"code": "bogus"}}"#)
        #expect(bogus.status == 400)
        #expect(Self.error(bogus.json)["message"]?.hasPrefix("outcome.code: unknown outcome 'bogus'") == true, "\(bogus.json)")
        let mismatched = try await served.send(.post, path, #"{"referral_id": "\#(referral.id)", "status": "completed", "outcome": {"code": "no_capacity"}}"#)
        #expect(mismatched.status == 422)
        #expect(Self.error(mismatched.json)["code"] == "invalid_outcome" && Self.error(mismatched.json)["field"] == "outcome.code", "\(mismatched.json)")
        let huge = String(repeating: "x", count: 2_000)
        let long = try await served.send(.post, path, #"{"referral_id": "\#(referral.id)", "status": "completed", "outcome": {"code": "other", "text": "\#(huge)"}}"#)
        #expect(long.status == 422 && Self.error(long.json)["field"] == "outcome.text", "\(long.json)")
        let done = try await served.send(.post, path,
                                         #"{"referral_id": "\#(referral.id)", "status": "completed", "outcome": {"code": "service_started", "text": "first visit booked"}}"#)
        #expect(done.status == 200, "\(done.json)")
        let stored = try await served.rig.store.referral(id: referral.id, context: Self.reader)
        #expect(stored.outcome == ReferralOutcome(code: .serviceStarted, text: "first visit booked"))
        #expect(stored.contactAttempts == 2)
        #expect(stored.followUpOn != nil)
        #expect(stored.history?.filter { $0.businessStatus == .contactAttempted }.count == 2)
        await served.stop()
    }

    @Test func theFHIRTaskPutCarriesTheOutcomeInStatusReasonAndOutput() async throws {
        let served = try await Served.start()
        let referrals = try await served.rig.refer(2)
        let rejected = #"""
            {"resourceType": "Task", "status": "rejected", "intent": "order",
             "statusReason": {"coding": [{"system": "urn:trellis:referral-outcome", "code": "not_eligible"}], "text": "over the income limit"}}
            """#
        let answer = try await served.send(.put, "/fhir/Task/\(referrals[0].id)", rejected)
        #expect(answer.status == 200, "\(answer.json)")
        let stored = try await served.rig.store.referral(id: referrals[0].id, context: Self.reader)
        #expect(stored.outcome == ReferralOutcome(code: .notEligible, text: "over the income limit"))
        #expect(stored.history?.last?.reason == "over the income limit")

        let wrongPair = #"""
            {"resourceType": "Task", "status": "rejected", "intent": "order",
             "output": [{"type": {"coding": [{"system": "urn:trellis:task-output", "code": "outcome"}]},
                         "valueCodeableConcept": {"coding": [{"system": "urn:trellis:referral-outcome", "code": "goal_met"}]}}]}
            """#
        let refused = try await served.send(.put, "/fhir/Task/\(referrals[1].id)", wrongPair)
        #expect(refused.status == 422 && Self.error(refused.json)["field"] == "outcome.code", "\(refused.json)")
        #expect(try await served.rig.store.referral(id: referrals[1].id, context: Self.reader).status == .requested)
        await served.stop()
    }

    /// ORG-42 rejects; the case worker is offered ORG-7's shelter first and ORG-42's last, refers to it,
    /// and the two referrals are linked.
    @Test func aRejectedReferralOffersTheNextMatchesAndIsLinkedToTheNextReferral() async throws {
        let fixture = try await APIFixture.make()
        let store = fixture.store
        try await fixture.test { client in
            let created = try await client.execute(uri: "/v1/referrals", method: .post, headers: fixture.headers(.caseworkerA),
                                                   body: try APIFixture.referralBody())
            #expect(created.status == .created)
            let first = try #require(try APIFixture.json(created)["id"] as? String)
            let early = try await client.execute(uri: "/v1/referrals/\(first)/next-matches", method: .get, headers: fixture.headers(.caseworkerA))
            #expect(early.status == .unprocessableContent)
            #expect((try APIFixture.json(early)["error"] as? [String: Any])?["code"] as? String == "no_next_step")

            _ = try await store.changeStatus(StatusChangeRequest(referralID: first, status: .rejected, party: .agency,
                                                                 outcome: ReferralOutcome(code: .noCapacity)), context: AuditContext(actor: "partner:p42"))
            let flagged = try await client.execute(uri: "/v1/referrals?needs_next_step=true", method: .get, headers: fixture.headers(.caseworkerA))
            let listed = try #require(try APIFixture.json(flagged)["contents"] as? [[String: Any]])
            #expect(listed.map { $0["id"] as? String } == [first])
            #expect(listed.first?["needs_next_step"] as? Bool == true)
            #expect((listed.first?["outcome"] as? [String: Any])?["code"] as? String == "no_capacity")

            let next = try await client.execute(uri: "/v1/referrals/\(first)/next-matches", method: .get, headers: fixture.headers(.caseworkerA))
            #expect(next.status == .ok)
            let body = try APIFixture.json(next)
            #expect(body["previous_organization_id"] as? String == "ORG-42")
            let housing = try #require((body["matches"] as? [[String: Any]])?.first { ($0["need"] as? [String: Any])?["domain"] as? String == "housing" })
            let results = try #require(housing["results"] as? [[String: Any]])
            #expect(results.map { $0["organization_id"] as? String } == ["ORG-7", "ORG-42"], "the rejecting agency comes last")
            #expect((results.last?["warnings"] as? [[String: Any]])?.contains { $0["code"] as? String == "turned_down_before" } == true)
            #expect(results.first?["reasons"] is [[String: Any]])

            // Another organization's case worker does not see it; a bad limit is refused by name.
            let foreign = try await client.execute(uri: "/v1/referrals/\(first)/next-matches", method: .get, headers: fixture.headers(.caseworkerB))
            #expect(foreign.status == .notFound)
            let badLimit = try await client.execute(uri: "/v1/referrals/\(first)/next-matches?limit=99999999999999999999", method: .get,
                                                    headers: fixture.headers(.caseworkerA))
            #expect(try badLimit.status == .badRequest && APIFixture.errorField(badLimit) == "limit")

            // Another organization may not name it as the referral it follows.
            let stolen = try await client.execute(uri: "/v1/referrals", method: .post, headers: fixture.headers(.caseworkerB),
                                                  body: try APIFixture.referralBody(to: "ORG-7", extra: #", "previous_referral_id": "\#(first)""#, capturedBy: "cw-b"))
            #expect(stolen.status == .unprocessableContent)
            #expect(try APIFixture.errorField(stolen) == "previous_referral_id")

            let again = try await client.execute(uri: "/v1/referrals", method: .post, headers: fixture.headers(.caseworkerA),
                                                 body: try APIFixture.referralBody(to: "ORG-7", extra: #", "previous_referral_id": "\#(first)""#))
            #expect(again.status == .created)
            let second = try APIFixture.json(again)
            #expect(second["previous_referral_id"] as? String == first)
            let secondID = try #require(second["id"] as? String)
            let firstNow = try APIFixture.json(try await client.execute(uri: "/v1/referrals/\(first)", method: .get, headers: fixture.headers(.caseworkerA)))
            #expect(firstNow["next_referral_id"] as? String == secondID)
            #expect(firstNow["needs_next_step"] as? Bool == false)
            let history = try #require(firstNow["history"] as? [[String: Any]])
            #expect(history.last?["related_referral_id"] as? String == secondID)
            let twice = try await client.execute(uri: "/v1/referrals", method: .post, headers: fixture.headers(.caseworkerA),
                                                 body: try APIFixture.referralBody(to: "ORG-7", extra: #", "previous_referral_id": "\#(first)""#))
            #expect(try twice.status == .unprocessableContent && APIFixture.errorField(twice) == "previous_referral_id")
        }
    }

    @Test func aFollowUpIsListedWhenDueAndRecordedOnce() async throws {
        let fixture = try await APIFixture.make()
        let store = fixture.store
        try await fixture.test { client in
            var ids: [String] = []
            for ref in ["P-1", "P-2"] {
                let created = try await client.execute(uri: "/v1/referrals", method: .post, headers: fixture.headers(.caseworkerA),
                                                       body: try APIFixture.referralBody(ref: ref))
                ids.append(try #require(try APIFixture.json(created)["id"] as? String))
            }
            // The first started 31 days ago: its follow-up is due; the second started today.
            for (id, days) in zip(ids, [31.0, 0]) {
                let agency = AuditContext(actor: "partner:p42", now: Date().addingTimeInterval(-days * 86_400))
                for status in [ReferralStatus.accepted, .inProgress] {
                    _ = try await store.changeStatus(StatusChangeRequest(referralID: id, status: status, party: .agency), context: agency)
                }
                _ = try await store.changeStatus(StatusChangeRequest(referralID: id, status: .completed, party: .agency,
                                                                     outcome: ReferralOutcome(code: .serviceStarted)), context: agency)
            }
            let due = try await client.execute(uri: "/v1/referrals?follow_up_due=true", method: .get, headers: fixture.headers(.caseworkerA))
            let listed = try #require(try APIFixture.json(due)["contents"] as? [[String: Any]])
            #expect(listed.map { $0["id"] as? String } == [ids[0]])
            #expect(listed.first?["follow_up_due"] as? Bool == true)
            #expect((listed.first?["follow_up_on"] as? String)?.count == 10)
            let badFlag = try await client.execute(uri: "/v1/referrals?follow_up_due=soon", method: .get, headers: fixture.headers(.caseworkerA))
            #expect(try badFlag.status == .badRequest && APIFixture.errorField(badFlag) == "follow_up_due")

            let foreign = try await client.execute(uri: "/v1/referrals/\(ids[0])/follow-up", method: .post, headers: fixture.headers(.caseworkerB),
                                                   body: ByteBuffer(string: #"{"note": "x"}"#))
            #expect(foreign.status == .notFound)
            let unknownField = try await client.execute(uri: "/v1/referrals/\(ids[0])/follow-up", method: .post, headers: fixture.headers(.caseworkerA),
                                                        body: ByteBuffer(string: #"{"notes": "x"}"#))
            #expect(unknownField.status == .badRequest)
            let before = try #require(try await store.audit.head()).event.sequence
            let done = try await client.execute(uri: "/v1/referrals/\(ids[0])/follow-up", method: .post, headers: fixture.headers(.caseworkerA),
                                                body: ByteBuffer(string: #"{"note": "going every week"}"#))
            #expect(done.status == .ok)
            #expect(try APIFixture.json(done)["follow_up_done_at"] is String)
            let audited = try await store.audit.records(after: before, limit: 100).map(\.event)
            #expect(audited.contains { $0.action == .update && $0.entityID == ids[0] && $0.detail == "follow-up done with a note" })
            #expect(!audited.contains { $0.detail?.contains("going every week") == true }, "the note stays out of the audit trail")
            let twice = try await client.execute(uri: "/v1/referrals/\(ids[0])/follow-up", method: .post, headers: fixture.headers(.caseworkerA),
                                                 body: ByteBuffer(string: "{}"))
            #expect(twice.status == .conflict)
            let after = try await client.execute(uri: "/v1/referrals?follow_up_due=true", method: .get, headers: fixture.headers(.caseworkerA))
            #expect((try APIFixture.json(after)["contents"] as? [[String: Any]])?.isEmpty == true)
        }
    }

    /// The inbox form requires an outcome for completed and failed, checks it against the status, and
    /// records a contact attempt.
    @Test func theInboxFormRecordsOutcomesAndContactAttempts() async throws {
        let (site, referral, _) = try await InboxPageTests.site()
        let store = site.rig.store
        try await site.test { client in
            var desk = WebPageTests.Browser()
            _ = try await desk.signIn(client, as: "desk-1")
            let page = try await desk.get(client, "/inbox/\(referral.id)")
            let csrf = try #require(WebPageTests.hidden("csrf", in: page))
            func answer(_ fields: [(String, String)]) async throws -> TestResponse {
                try await desk.post(client, "/inbox/\(referral.id)/answer", [("csrf", csrf)] + fields)
            }
            #expect(try await answer([("status", "accepted")]).status == .seeOther)
            #expect(String(buffer: try await desk.get(client, "/inbox/\(referral.id)").body).contains("id=\"answer-contact_attempted\""))
            #expect(try await answer([("status", "contact_attempted")]).status == .seeOther)
            #expect(try await answer([("status", "contact_attempted")]).status == .seeOther)
            #expect(try await store.referral(id: referral.id, context: Self.reader).contactAttempts == 2)
            let missing = String(buffer: try await answer([("status", "completed")]).body)
            #expect(missing.contains("say how it ended"))
            let mismatched = String(buffer: try await answer([("status", "completed"), ("outcome", "no_capacity")]).body)
            #expect(mismatched.contains("no_capacity is not an outcome of completed"))
            let otherWithoutText = String(buffer: try await answer([("status", "completed"), ("outcome", "other")]).body)
            #expect(otherWithoutText.contains("say what happened when the outcome is other"))
            #expect(try await store.referral(id: referral.id, context: Self.reader).status == .inProgress)
            #expect(try await answer([("status", "completed"), ("outcome", "goal_met"), ("text", "housed")]).status == .seeOther)
            let final = try await store.referral(id: referral.id, context: Self.reader)
            #expect(final.outcome == ReferralOutcome(code: .goalMet, text: "housed"))
            #expect(final.followUpOn == nil, "only service started brings a follow-up")
        }
    }
}
