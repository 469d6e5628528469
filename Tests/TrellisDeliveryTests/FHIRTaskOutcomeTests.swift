import Foundation
import Testing
import TrellisCore
import TrellisDelivery
import TrellisTestSupport

/// A referral's outcome and contact attempts on the FHIR Task, both ways: read from a partner's Task
/// (`statusReason`, `output`, `businessStatus`) and served on `GET /fhir/Task`, valid FHIR R4.
@Suite struct FHIRTaskOutcomeTests {
    static func task(_ extra: String) throws -> Data {
        Data(#"{"resourceType": "Task", "status": "completed", "intent": "order"\#(extra)}"#.utf8)
    }

    @Test func theOutcomeIsReadFromOutputOrStatusReason() throws {
        let output = try StatusUpdate.fhirTask(try Self.task(#"""
            , "output": [{"type": {"coding": [{"system": "urn:trellis:task-output", "code": "outcome"}]},
                          "valueCodeableConcept": {"coding": [{"system": "urn:trellis:referral-outcome", "code": "service_started"}], "text": "first visit done"}}]
            """#), referralID: "ref-1")
        #expect(output.outcome == ReferralOutcome(code: .serviceStarted, text: "first visit done"))
        let coded = try StatusUpdate.fhirTask(try Self.task(#"""
            , "statusReason": {"coding": [{"system": "urn:trellis:referral-outcome", "code": "goal_met"}], "text": "housed"}
            """#), referralID: "ref-1")
        #expect(coded.outcome == ReferralOutcome(code: .goalMet, text: "housed"))
        #expect(coded.reason == "housed")
        let valueString = try StatusUpdate.fhirTask(try Self.task(#"""
            , "statusReason": {"coding": [{"system": "urn:trellis:referral-outcome", "code": "other"}]},
              "output": [{"type": {"coding": [{"system": "urn:trellis:task-output", "code": "outcome"}]}, "valueString": "moved to another county"}]
            """#), referralID: "ref-1")
        #expect(valueString.outcome == ReferralOutcome(code: .other, text: "moved to another county"))
        // A reason without a Trellis coding is only a reason, as before.
        let plain = try StatusUpdate.fhirTask(try Self.task(#", "statusReason": {"text": "done"}"#), referralID: "ref-1")
        #expect(plain.outcome == nil && plain.reason == "done")
    }

    @Test func aContactAttemptIsReadFromBusinessStatus() throws {
        let body = Data(#"""
            {"resourceType": "Task", "status": "in-progress", "intent": "order",
             "businessStatus": {"coding": [{"system": "urn:trellis:referral-business-status", "code": "contact_attempted"}]}}
            """#.utf8)
        #expect(try StatusUpdate.fhirTask(body, referralID: "ref-1").businessStatus == .contactAttempted)
    }

    @Test(arguments: [
        (#", "statusReason": {"coding": [{"system": "urn:trellis:referral-outcome", "code": "bogus"}]}"#, "outcome.code: unknown outcome 'bogus'"),
        (#", "output": {"type": 1}"#, "Task.output must be a list"),
        (#", "businessStatus": {"coding": [{"system": "urn:trellis:referral-business-status", "code": "called"}]}"#, "Task.businessStatus: unknown business status 'called'"),
        (#", "statusReason": {"coding": [{"system": "urn:trellis:referral-outcome"}]}"#, "Task.statusReason.coding: a code is required"),
    ])
    func aBadOutcomeIsRefusedByName(extra: String, message: String) throws {
        #expect(throws: PartnerAnswerError.self) { try StatusUpdate.fhirTask(try Self.task(extra), referralID: "ref-1") }
        do { _ = try StatusUpdate.fhirTask(try Self.task(extra), referralID: "ref-1") } catch {
            #expect(String(describing: error).hasPrefix(message), "\(error)")
        }
    }

    @Test func theJSONStatusUpdateCarriesOutcomeAndBusinessStatus() throws {
        let update = try StatusUpdate.json(Data(#"{"referral_id": "ref-1", "status": "completed", "outcome": {"code": "service_started", "text": "booked"}}"#.utf8))
        #expect(update.outcome == ReferralOutcome(code: .serviceStarted, text: "booked"))
        let attempt = try StatusUpdate.json(Data(#"{"referral_id": "ref-1", "status": "in-progress", "business_status": "contact_attempted"}"#.utf8))
        #expect(attempt.businessStatus == .contactAttempted)
        for (body, message) in [
            (#"{"referral_id": "r", "status": "completed", "outcome": {"code": "bogus"}}"#, "outcome.code: unknown outcome 'bogus'"),
            (#"{"referral_id": "r", "status": "completed", "outcome": "goal_met"}"#, "outcome must be an object"),
            (#"{"referral_id": "r", "status": "completed", "outcome": {"code": "goal_met", "why": "x"}}"#, "outcome.why: unknown field"),
            (#"{"referral_id": "r", "status": "in-progress", "business_status": "phoned"}"#, "business_status: expected one of contact_attempted"),
        ] {
            #expect(throws: PartnerAnswerError.self) { try StatusUpdate.json(Data(body.utf8)) }
            do { _ = try StatusUpdate.json(Data(body.utf8)) } catch { #expect(String(describing: error).hasPrefix(message), "\(error)") }
        }
    }

    @Test func theServedTaskCarriesTheOutcomeAndContactAttemptsAsValidFHIR() throws {
        let disclosure = try #require(DeliveryFixtures.disclosure([.needs]))
        var completed = DeliveryFixtures.referral
        completed.status = .completed
        completed.outcome = ReferralOutcome(code: .serviceStarted, text: "first visit done")
        completed.history = [ReferralStatusChange(at: DeliveryFixtures.now, actor: "partner:harbor-house", party: .agency, from: .inProgress,
                                                  to: .completed, reason: "Service started: first visit done", source: .callback,
                                                  outcome: completed.outcome)]
        let done = FHIRReferralBundle.served(disclosure, state: .init(completed)).task
        let reason = try #require(done["statusReason"] as? [String: Any])
        #expect((reason["coding"] as? [[String: Any]])?.first?["code"] as? String == "service_started")
        #expect(reason["text"] as? String == "Service started: first visit done")
        let output = try #require((done["output"] as? [[String: Any]])?.first)
        #expect(((output["valueCodeableConcept"] as? [String: Any])?["coding"] as? [[String: Any]])?.first?["code"] as? String == "service_started")
        // Read back, the served Task says what the partner said.
        let readBack = try StatusUpdate.fhirTask(try FHIRReferralBundle.json(done), referralID: completed.id)
        #expect(readBack.outcome == completed.outcome && readBack.status == .completed)

        var trying = DeliveryFixtures.referral
        trying.status = .inProgress
        trying.contactAttempts = 2
        let inProgress = FHIRReferralBundle.served(disclosure, state: .init(trying)).task
        let business = try #require(inProgress["businessStatus"] as? [String: Any])
        #expect(business["text"] as? String == "Contact attempted (2 times)")
        #expect(inProgress["output"] == nil && inProgress["statusReason"] == nil)

        let lines = try [done, inProgress].map { String(decoding: try FHIRReferralBundle.json($0), as: UTF8.self) }.joined(separator: "\n") + "\n"
        let path = try DeliveryFixtures.temporaryFile(Data(lines.utf8), suffix: ".jsonl")
        let result = try DeliveryFixtures.validate("validate_fhir.py", [path, "Task"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.split(separator: "\n").last == "valid 2", "\(result.output)")
    }
}
