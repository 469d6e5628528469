import Foundation
import PropertyBased
import Testing
import TrellisCore
@testable import TrellisStore

/// The outcome figures add up however the referrals fall: every ended referral counts once under one
/// outcome per agency and overall, once per need domain it was for, and re-referrals never exceed the
/// rejected and failed ones.
@Suite struct LoopClosureOutcomePropertyTests {
    static let statuses: [ReferralStatus] = [.requested, .accepted, .rejected, .inProgress, .completed, .failed, .cancelled, .enteredInError]
    static let domains = NeedDomain.allCases.map(\.rawValue)

    static func rows(seed: UInt64) -> [LoopClosureReport.Row] {
        var random = SplitMix64(seed: seed)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        return (0..<Int(random.next() % 40)).map { _ in
            let status = statuses[Int(random.next() % UInt64(statuses.count))]
            let allowed = AgencyAnswerReason.allowed(for: status)
            let code = allowed.isEmpty || random.next() % 4 == 0 ? nil : allowed[Int(random.next() % UInt64(allowed.count))].rawValue
            let ended = status == .rejected || status == .failed
            let needs = domains.filter { _ in random.next() % 2 == 0 }
            return LoopClosureReport.Row(organizationID: "ORG-\(random.next() % 4)", status: status, requestedAt: start,
                                         firstAnsweredAt: status == .requested ? nil : start.addingTimeInterval(3_600), everAccepted: false,
                                         rejectionReason: nil, outcomeCode: code, needDomains: needs.isEmpty ? ["housing"] : needs,
                                         reReferred: ended && random.next() % 2 == 0, contactAttempts: Int(random.next() % 3))
        }
    }

    @Test func outcomeFiguresAddUp() async {
        await propertyCheck(count: 200, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            let rows = Self.rows(seed: seed)
            let report = LoopClosureReport(from: Date(timeIntervalSince1970: 0), to: Date(timeIntervalSince1970: 2_000_000_000),
                                           now: Date(timeIntervalSince1970: 2_000_000_000), rows: rows, overdue: [:])
            let ended = rows.filter { [.completed, .failed, .rejected].contains($0.status) }
            #expect(report.overall.outcomes.values.reduce(0, +) == ended.count)
            var summed: [String: Int] = [:]
            for agency in report.agencies {
                #expect(agency.outcomes.values.reduce(0, +) == agency.completed + agency.failed + agency.rejected)
                #expect(agency.reReferred <= agency.rejected + agency.failed)
                summed.merge(agency.outcomes, uniquingKeysWith: +)
            }
            #expect(summed == report.overall.outcomes)
            #expect(report.overall.contactAttempts == rows.map(\.contactAttempts).reduce(0, +))
            for domain in report.byNeedDomain {
                let mine = ended.filter { $0.needDomains.contains(domain.needDomain) }
                #expect(domain.outcomes.values.reduce(0, +) == mine.count)
                #expect(domain.reReferred == mine.filter(\.reReferred).count)
            }
        }
    }
}
