import Foundation
import PropertyBased
import Testing
import TrellisCore
@testable import TrellisStore

/// The equity report's suppression rules, over many random sets of referrals.
@Suite struct EquitySuppressionTests {
    static let from = Date(timeIntervalSince1970: 1_793_491_200)  // 2026-11-01
    static let to = from.addingTimeInterval(28 * 86_400)

    /// Referrals drawn from a seed: a few groups of very different sizes, some people referred twice.
    static func referrals(seed: UInt64) -> [EquityReport.Referral] {
        var generator = SplitMix(seed: seed)
        let count = Int(generator.next() % 120)
        let languages = ["en", "es", "vi", "so", "ar"], bands = AgeBand.words, urgencies = NeedsProfile.Urgency.words
        let statuses: [ReferralStatus] = [.requested, .accepted, .rejected, .completed, .failed, .cancelled, .inProgress]
        return (0..<count).map { _ in
            let requested = from.addingTimeInterval(Double(generator.next() % (27 * 86_400)))
            let answered = generator.next() % 3 == 0 ? nil : requested.addingTimeInterval(Double(generator.next() % 200_000))
            // Skewed toward the first entries, so big and small groups both occur.
            func pick<T>(_ values: [T]) -> T { values[Int(min(generator.next() % 8, generator.next() % 8)) % values.count] }
            return EquityReport.Referral(personID: "per-\(generator.next() % 90)", domains: [pick(NeedDomain.allCases)], language: pick(languages),
                                         interpreterNeeded: generator.next() % 4 == 0, ageBand: pick(bands), urgency: pick(urgencies),
                                         status: pick(statuses), requestedAt: requested, firstAnsweredAt: answered, everAccepted: generator.next() % 2 == 0)
        }
    }

    @Test func noShownCountHasFewerThanElevenPeopleAndNoSuppressedCellIsTheOnlyOneOfItsSum() async {
        await propertyCheck(count: 150, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            let referrals = Self.referrals(seed: seed)
            let report = EquityReport(from: Self.from, to: Self.to, now: Self.to, organizationID: nil, referrals: referrals)
            for breakdown in report.breakdowns {
                // Column sums against the overall row.
                for measure in ["referrals", "accepted", "answered"] + EquityReport.outcomes {
                    let cells = breakdown.rows.map { Self.cell($0, measure) }
                    if Self.cell(report.overall, measure) != .suppressed {
                        #expect(cells.filter { $0 == .suppressed }.count != 1, "\(breakdown.dimension) \(measure) seed \(seed)")
                    }
                }
                for row in breakdown.rows {
                    // Row sums: outcomes against the row's referrals.
                    if row.referrals != .suppressed {
                        #expect(EquityReport.outcomes.filter { row.outcomes[$0] == .suppressed }.count != 1)
                        #expect(EquityReport.outcomes.compactMap { row.outcomes[$0]?.value }.reduce(0, +) <= row.referrals.value ?? 0)
                    }
                    // A shown count has at least eleven people behind it.
                    let members = referrals.filter { Self.groups($0, breakdown.dimension).contains(row.group) }
                    if row.referrals != .suppressed { #expect(Set(members.map(\.personID)).count >= EquityReport.minimumPeople) }
                    if row.acceptanceRate != nil { #expect(row.accepted != .suppressed && row.referrals != .suppressed) }
                }
            }
            for point in report.loopClosureByWeek where point.loopClosureRate != nil {
                let week = referrals.filter { $0.domains.map(\.rawValue).contains(point.needDomain) && $0.requestedAt >= point.weekStart
                    && $0.requestedAt < point.weekStart.addingTimeInterval(7 * 86_400) && $0.countsForClosure }
                #expect(Set(week.map(\.personID)).count >= EquityReport.minimumPeople)
            }
        }
    }

    @Test func countsThatAreShownAreTheTrueCountsAndASingleHiddenCellTakesAnotherWithIt() {
        func referral(_ i: Int, _ language: String, completed: Bool) -> EquityReport.Referral {
            EquityReport.Referral(personID: "per-\(language)-\(i)", domains: [.housing], language: language, interpreterNeeded: false,
                                  ageBand: "25-34", urgency: "routine", status: completed ? .completed : .requested,
                                  requestedAt: Self.from.addingTimeInterval(3600), firstAnsweredAt: nil, everAccepted: completed)
        }
        // 15 English and 15 Spanish speakers, 12 of each completed; 2 Somali speakers, both completed.
        let people = (0..<15).map { referral($0, "en", completed: $0 < 12) } + (0..<15).map { referral($0, "es", completed: $0 < 12) }
        let report = EquityReport(from: Self.from, to: Self.to, now: Self.to, organizationID: "ORG-A", referrals: people)
        #expect(report.overall.referrals == .count(30) && report.overall.accepted == .count(24))
        #expect(report.overall.acceptanceRate == 0.8)
        #expect(report.overall.outcomes["completed"] == .count(24) && report.overall.outcomes["open"] == .suppressed)
        let language = report.breakdowns.first { $0.dimension == "preferred_language" }
        #expect(language?.rows.map(\.referrals) == [.count(15), .count(15)])
        #expect(language?.rows.map { $0.outcomes["completed"] } == [.count(12), .count(12)])
        #expect(language?.rows.map { $0.outcomes["open"] } == [.suppressed, .suppressed])

        // Two more people: Somali is hidden, and so is the smallest other language's count (else 32 − 15 − 15 = 2).
        let more = people + (0..<2).map { referral($0, "so", completed: true) }
        let withSomali = EquityReport(from: Self.from, to: Self.to, now: Self.to, organizationID: "ORG-A", referrals: more)
        let rows = withSomali.breakdowns.first { $0.dimension == "preferred_language" }?.rows
        #expect(withSomali.overall.referrals == .count(32))
        #expect(rows?.map(\.group) == ["en", "es", "so"])
        #expect(rows?.map(\.referrals) == [.suppressed, .count(15), .suppressed])
        #expect(EquityReport.Cell.suppressed.description == "<11")
    }

    static func cell(_ row: EquityReport.Row, _ measure: String) -> EquityReport.Cell {
        switch measure {
        case "referrals": row.referrals
        case "accepted": row.accepted
        case "answered": row.answered
        default: row.outcomes[measure] ?? .suppressed
        }
    }

    static func groups(_ r: EquityReport.Referral, _ dimension: String) -> [String] { r.groups(dimension) }
}

/// A small deterministic generator: the same seed draws the same referrals.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
