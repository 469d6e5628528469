import Foundation
import Testing
import TrellisCore
@testable import TrellisServer

/// The referral's status in one sentence, one row per status, in Chicago on Mon 7 Dec 2026 at noon.
@Suite struct StatusSentenceTests {
    static let time = PageTime(calendar: BusinessCalendar(timeZone: TimeZone(identifier: "America/Chicago")!),
                               now: PageTimeTests.instant("2026-12-07T18:00:00Z"))
    static let since = PageTimeTests.instant("2026-12-04T15:30:00Z")   // Fri 4 Dec, 9:30 am in Chicago
    static let due = PageTimeTests.instant("2026-12-09T15:30:00Z")     // Wed 9 Dec

    @Test(arguments: [
        (ReferralStatus.draft, "Maria", nil, "Not sent yet: a draft for Harbor House."),
        (.requested, "Maria", nil, "Waiting for Harbor House to answer; 2 business days left."),
        (.accepted, "Maria", nil, "Harbor House accepted on Fri 4 Dec; next: they will contact Maria."),
        (.accepted, nil, nil, "Harbor House accepted on Fri 4 Dec; next: they will contact the person."),
        (.inProgress, "Maria", nil, "Harbor House is working with Maria since Fri 4 Dec."),
        (.onHold, nil, "Waiting for a room", "Harbor House put the referral on hold on Fri 4 Dec (Waiting for a room); next: they will say when it goes on."),
        (.rejected, "Maria", "No capacity", "Harbor House turned the referral down on Fri 4 Dec (No capacity); next: choose another service with Maria."),
        (.failed, nil, "Could not contact", "Harbor House could not complete the service on Fri 4 Dec (Could not contact); next: choose another service with the person."),
        (.completed, "Maria", "Service started", "Harbor House completed the referral on Fri 4 Dec (Service started)."),
        (.cancelled, "Maria", nil, "Cancelled on Fri 4 Dec; Harbor House need do nothing more."),
        (.enteredInError, "Maria", nil, "Marked as entered in error on Fri 4 Dec: disregard this referral."),
    ] as [(ReferralStatus, String?, String?, String)])
    func everyStatusIsOneSentence(status: ReferralStatus, person: String?, reason: String?, expected: String) {
        let sentence = StatusSentence(status: status, agency: "Harbor House", personName: person, since: Self.since,
                                      respondBy: status == .requested ? Self.due : nil, reason: reason)
        #expect(sentence.text(Self.time) == expected)
    }

    @Test func everyStatusHasASentence() {
        for status in ReferralStatus.allCases {
            let text = StatusSentence(status: status, agency: "Harbor House", since: Self.since).text(Self.time)
            #expect(text.hasSuffix(".") && !text.contains("  "), "\(status): \(text)")
        }
    }

    @Test func anOverdueAnswerSaysByHowMuch() {
        let late = PageTimeTests.instant("2026-12-02T21:00:00Z")  // Wed 2 Dec, 3 pm: three business days before Mon 7 Dec
        #expect(StatusSentence(status: .requested, agency: "Harbor House", respondBy: late).text(Self.time)
                == "Waiting for Harbor House to answer; 3 business days overdue.")
    }

    @Test func theLastChangeToTheStatusGivesTheDayAndReason() {
        let referral = Referral(id: "R-1", status: .rejected, serviceID: "S-1", organizationID: "RB-ORG-101", personRef: "P-1", consentID: "C-1",
                                needDomains: [.housing], createdAt: Self.since, createdBy: "cw-1", updatedAt: Self.due,
                                history: [ReferralStatusChange(at: Self.since.addingTimeInterval(-86_400), actor: "cw-1", party: .referrer, from: nil,
                                                               to: .requested, source: .api),
                                          ReferralStatusChange(at: Self.since, actor: "ag-1", party: .agency, from: .requested, to: .rejected,
                                                               reason: "Not eligible: outside the county", source: .api)])
        #expect(StatusSentence(referral, agency: "Harbor House").text(Self.time)
                == "Harbor House turned the referral down on Fri 4 Dec (Not eligible: outside the county); next: choose another service with the person.")
    }
}
