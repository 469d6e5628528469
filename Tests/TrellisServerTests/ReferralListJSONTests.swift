import Foundation
import PropertyBased
import Testing
import TrellisCore
@testable import TrellisServer

/// `GET /v1/referrals` writes its page directly; clients parse what `JSONEncoder` wrote before, so
/// the bytes must not change: random referrals with every optional field present or absent, hard
/// texts and histories, against `JSONResponse.encoder`.
@Suite struct ReferralListJSONTests {
    static let texts = ["", "P-1042", "a/b", "quote \" backslash \\", "tab\t line\n", "\u{01}\u{1F}", "Café 中文 👩🏽‍⚕️", "sep\u{2028}"]

    static func referral(_ random: inout SplitMix64) -> Referral {
        func text() -> String { texts[random.int(below: texts.count)] + String(random.int(below: 1_000)) }
        func maybe<T>(_ make: () -> T) -> T? { random.int(below: 2) == 0 ? nil : make() }
        func date() -> Date { Date(timeIntervalSince1970: 1_700_000_000 + random.unit(0, 200_000_000)) }
        func outcome() -> ReferralOutcome { ReferralOutcome(code: AgencyAnswerReason.allCases[random.int(below: AgencyAnswerReason.allCases.count)], text: maybe(text)) }
        let statuses = ReferralStatus.allCases
        var r = Referral(id: "ref-\(random.int(below: 1_000_000))", status: statuses[random.int(below: statuses.count)], serviceID: text(),
                         organizationID: text(), personRef: text(), consentID: text(),
                         needDomains: (0..<random.int(below: 4)).map { _ in NeedDomain.allCases[random.int(below: NeedDomain.allCases.count)] },
                         createdAt: date(), createdBy: text(), requestedAt: maybe(date), respondBy: maybe(date), firstAnsweredAt: maybe(date),
                         updatedAt: date(), version: random.int(below: 50), note: maybe(text),
                         referrerOrganizationID: maybe(text), serviceWithdrawn: random.int(below: 2) == 0)
        r.outcome = maybe(outcome)
        r.previousReferralID = maybe(text)
        r.nextReferralID = maybe(text)
        r.followUpOn = maybe { CalendarDay(daysSinceEpoch: 19_000 + random.int(below: 2_000)) }
        r.followUpDoneAt = maybe(date)
        r.contactAttempts = maybe { random.int(below: 9) }
        r.history = maybe {
            (0..<random.int(below: 4)).map { _ in
                ReferralStatusChange(at: date(), actor: text(), party: ReferralParty.allCases[random.int(below: ReferralParty.allCases.count)],
                                     from: maybe { statuses[random.int(below: statuses.count)] }, to: statuses[random.int(below: statuses.count)],
                                     reason: maybe(text), source: ReferralStatusChange.Source.allCases[random.int(below: ReferralStatusChange.Source.allCases.count)],
                                     outcome: maybe(outcome), businessStatus: maybe { .contactAttempted }, relatedReferralID: maybe(text))
            }
        }
        return r
    }

    @Test func randomPagesAreTheBytesJSONEncoderWrites() async {
        await propertyCheck(count: 300, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            var random = SplitMix64(seed: seed)
            let now = Date(timeIntervalSince1970: 1_700_000_000 + random.unit(0, 200_000_000))
            let views = (0..<random.int(below: 4)).map { _ in ReferralView(Self.referral(&random), now: now) }
            let page = Page(contents: views, pageNumber: 1 + random.int(below: 3), size: 20, totalItems: random.int(below: 2) == 0 ? nil : random.int(below: 90),
                            hasMore: random.int(below: 2) == 0)
            #expect(page.jsonBytes == (try? Array(JSONResponse.encoder.encode(page))), "seed \(seed)")
        }
    }
}
