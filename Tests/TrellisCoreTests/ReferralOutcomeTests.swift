import Foundation
import Testing
@testable import TrellisCore

/// The outcome codes and which status may carry which: the table the API, the FHIR Task, the inbox
/// form and the reports all follow.
@Suite struct ReferralOutcomeTests {
    /// The allowed pairs, written out once more as the issue states them.
    static let allowed: [ReferralStatus: Set<String>] = [
        .completed: ["service_started", "goal_met", "other"],
        .failed: ["person_declined", "could_not_contact", "not_eligible", "no_capacity", "other"],
        .rejected: ["not_eligible", "no_capacity", "person_declined", "other"],
    ]

    @Test func theCodeListIsTheShortList() {
        #expect(AgencyAnswerReason.words == ["service_started", "goal_met", "person_declined", "could_not_contact", "not_eligible", "no_capacity", "other"])
    }

    /// Every status with every code, with text: accepted exactly when the table allows the pair.
    @Test(arguments: ReferralStatus.allCases, AgencyAnswerReason.allCases)
    func everyPairIsDecidedByTheTable(status: ReferralStatus, code: AgencyAnswerReason) {
        let result = Result { () throws(ReferralOutcomeError) in try ReferralOutcome.checked(code: code, text: "said so", for: status) }
        switch result {
        case .success(let outcome):
            #expect(Self.allowed[status]?.contains(code.rawValue) == true)
            #expect(outcome == ReferralOutcome(code: code, text: "said so"))
        case .failure(.notAllowed(let refused, let refusedStatus)):
            #expect(Self.allowed[status] != nil && Self.allowed[status]?.contains(code.rawValue) == false)
            #expect(refused == code && refusedStatus == status)
        case .failure(.notCarried(let refusedStatus)):
            #expect(Self.allowed[status] == nil && refusedStatus == status)
        case .failure(let other):
            Issue.record("unexpected refusal \(other)")
        }
    }

    @Test(arguments: [ReferralStatus.completed, .failed, .rejected])
    func otherNeedsText(status: ReferralStatus) {
        for blank in [nil, "", "   "] as [String?] {
            #expect(throws: ReferralOutcomeError.textRequired) { try ReferralOutcome.checked(code: .other, text: blank, for: status) }
        }
        #expect((try? ReferralOutcome.checked(code: .other, text: "moved away", for: status))?.text == "moved away")
    }

    @Test func refusalsNameTheFieldAndTheAllowedCodes() throws {
        let unknown = ReferralOutcomeError.unknownCode("bogus")
        #expect(unknown.field == "outcome.code")
        #expect(unknown.description == "outcome.code: unknown outcome 'bogus'; expected one of service_started, goal_met, person_declined, could_not_contact, not_eligible, no_capacity, other")
        #expect(throws: ReferralOutcomeError.unknownCode("bogus")) { try ReferralOutcome.checked(code: "bogus", text: nil, for: .completed) }
        let notAllowed = ReferralOutcomeError.notAllowed(code: .goalMet, status: .failed)
        #expect(notAllowed.description == "outcome.code: goal_met is not an outcome of failed (allowed: person_declined, could_not_contact, not_eligible, no_capacity, other)")
        #expect(ReferralOutcomeError.textTooLong.field == "outcome.text")
    }

    @Test func textIsBounded() {
        let longest = String(repeating: "é", count: ReferralOutcome.maximumTextBytes / 2)
        #expect((try? ReferralOutcome.checked(code: .goalMet, text: longest, for: .completed)) != nil)
        #expect(throws: ReferralOutcomeError.textTooLong) { try ReferralOutcome.checked(code: .goalMet, text: longest + "x", for: .completed) }
        // A huge unknown code is cut in the message.
        let huge = String(repeating: "x", count: 10_000)
        #expect(ReferralOutcomeError.unknownCode(huge).description.utf8.count < 300)
    }

    @Test func anOutcomeEncodesAsCodeAndText() throws {
        let data = try JSONEncoder().encode(ReferralOutcome(code: .serviceStarted, text: "first session booked"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
        #expect(object == ["code": "service_started", "text": "first session booked"])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ReferralOutcome.self, from: Data(#"{"code":"bogus"}"#.utf8)) }
    }

    /// The directory-health report reads rejections from these codes: the two that mean the record is wrong.
    @Test(arguments: AgencyAnswerReason.allCases)
    func rejectionReasonsAreOutcomeCodes(code: AgencyAnswerReason) {
        let expected: RejectionReason? = switch code {
        case .noCapacity: .noCapacity
        case .notEligible: .notEligible
        default: nil
        }
        #expect(RejectionReason(code: code) == expected)
    }

    @Test func contactAttemptsGoOnlyWithInProgress() {
        #expect(ReferralBusinessStatus.contactAttempted.statuses == [.inProgress])
        #expect(ReferralBusinessStatus.words == ["contact_attempted"])
    }

    @Test func aFollowUpIsDueFromItsDayUntilDone() {
        let created = Date(timeIntervalSince1970: 1_800_000_000)
        var referral = Referral(id: "ref-1", status: .completed, serviceID: "s", organizationID: "o", personRef: "P-1", consentID: "c",
                                needDomains: [.housing], createdAt: created, createdBy: "u", updatedAt: created)
        let day = CalendarDay(year: 2027, month: 3, day: 1)!
        #expect(!referral.isFollowUpDue(on: day))
        referral.followUpOn = day
        #expect(!referral.isFollowUpDue(on: day.adding(days: -1)))
        #expect(referral.isFollowUpDue(on: day))
        #expect(referral.isFollowUpDue(on: day.adding(days: 5)))
        referral.followUpDoneAt = created
        #expect(!referral.isFollowUpDue(on: day.adding(days: 5)))
    }

    @Test(arguments: ReferralStatus.allCases)
    func aNextStepIsNeededAfterARejectionOrFailureUntilReferredAgain(status: ReferralStatus) {
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        var referral = Referral(id: "ref-1", status: status, serviceID: "s", organizationID: "o", personRef: "P-1", consentID: "c",
                                needDomains: [.housing], createdAt: at, createdBy: "u", updatedAt: at)
        #expect(referral.needsNextStep == (status == .rejected || status == .failed))
        referral.nextReferralID = "ref-2"
        #expect(!referral.needsNextStep)
    }
}
