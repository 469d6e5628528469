public import Foundation
import TrellisCore

/// Whether some people are served worse than others: referrals sent in a period, how many were
/// accepted, how long the first answer took and how they ended, broken down by need domain, preferred
/// language, interpreter needed, age band and urgency.
///
/// Small cells are suppressed: a count is shown only when at least `minimumPeople` (11) distinct people
/// stand behind it, otherwise it reads "<11". A suppressed cell is never derivable by subtraction: each
/// dimension's groups add up to the overall row (column by column) and each row's outcomes add up to its
/// referrals, so wherever exactly one cell of such a sum is suppressed, the smallest other cell of the
/// same sum is suppressed too (repeated until no sum has a single suppressed cell). A rate or median is
/// shown only when the counts it is computed from are shown.
public struct EquityReport: Codable, Hashable, Sendable {
    public static let minimumPeople = 11
    public static let dimensions = ["need_domain", "preferred_language", "interpreter_needed", "age_band", "urgency"]
    /// How a referral ended (or where it stands at the report time).
    public static let outcomes = ["completed", "rejected", "failed", "cancelled", "open"]

    public var from: Date
    public var to: Date
    public var generatedAt: Date
    /// The referring organization whose referrals are counted; nil: every organization's.
    public var organizationID: String?
    public var minimumPeople: Int
    public var overall: Row
    public var breakdowns: [Breakdown]
    /// Loop closure per need domain per week of the period (by when the referral was sent).
    public var loopClosureByWeek: [WeekPoint]

    enum CodingKeys: String, CodingKey {
        case from, to, overall, breakdowns
        case generatedAt = "generated_at", organizationID = "organization_id", minimumPeople = "minimum_people"
        case loopClosureByWeek = "loop_closure_by_week"
    }

    /// The share of one need domain's referrals sent in one week whose loop closed (as the loop-closure
    /// report counts it); nil when fewer than the minimum people stand behind it. Weekly counts are not
    /// published: they would add up to the need-domain row and undo its suppression.
    public struct WeekPoint: Codable, Hashable, Sendable {
        public var needDomain: String
        public var weekStart: Date
        public var loopClosureRate: Double?

        enum CodingKeys: String, CodingKey {
            case needDomain = "need_domain", weekStart = "week_start", loopClosureRate = "loop_closure_rate"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(needDomain, forKey: .needDomain)
            try c.encode(weekStart, forKey: .weekStart)
            try c.encode(loopClosureRate, forKey: .loopClosureRate)
        }
    }

    public struct Breakdown: Codable, Hashable, Sendable {
        public var dimension: String
        public var rows: [Row]
    }

    /// One group's figures; each count is a number or "<11".
    public struct Row: Codable, Hashable, Sendable {
        public var group: String
        public var referrals: Cell
        public var accepted: Cell
        public var acceptanceRate: Double?
        public var answered: Cell
        public var medianHoursToAnswer: Double?
        public var outcomes: [String: Cell]

        enum CodingKeys: String, CodingKey {
            case group, referrals, accepted, answered, outcomes
            case acceptanceRate = "acceptance_rate", medianHoursToAnswer = "median_hours_to_answer"
        }
    }

    /// A count, or "<11" when fewer people than the minimum stand behind it.
    public enum Cell: Codable, Hashable, Sendable, CustomStringConvertible {
        case count(Int)
        case suppressed

        public var value: Int? { if case .count(let n) = self { n } else { nil } }
        public var description: String { value.map(String.init) ?? "<\(EquityReport.minimumPeople)" }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let n = try? c.decode(Int.self) { self = .count(n) } else { _ = try c.decode(String.self); self = .suppressed }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .count(let n): try c.encode(n)
            case .suppressed: try c.encode(description)
            }
        }
    }

    /// One sent referral as the store reads it: the person's id (only to count people) and the clear facts.
    struct Referral: Sendable {
        var personID: String
        var domains: [NeedDomain]
        var language: String?
        var interpreterNeeded: Bool?
        var ageBand: String?
        var urgency: String?
        var status: ReferralStatus
        var requestedAt: Date
        var firstAnsweredAt: Date?
        var everAccepted: Bool

        /// Counted in the loop-closure rate's denominator: not withdrawn before an answer, not entered in error.
        var countsForClosure: Bool {
            !(status == .cancelled && firstAnsweredAt == nil) && status != .enteredInError
        }

        var closed: Bool {
            [.rejected, .completed, .failed].contains(status) || (status == .cancelled && firstAnsweredAt != nil)
        }

        var outcome: String {
            switch status {
            case .completed: "completed"
            case .rejected: "rejected"
            case .failed: "failed"
            case .cancelled, .enteredInError: "cancelled"
            default: "open"
            }
        }

        func groups(_ dimension: String) -> [String] {
            switch dimension {
            case "need_domain": domains.isEmpty ? ["unknown"] : domains.map(\.rawValue)
            case "preferred_language": [language ?? "unknown"]
            case "interpreter_needed": [interpreterNeeded.map { $0 ? "yes" : "no" } ?? "unknown"]
            case "age_band": [ageBand ?? "unknown"]
            default: [urgency ?? "unknown"]
            }
        }
    }

    init(from: Date, to: Date, now: Date, organizationID: String?, referrals: [Referral]) {
        self.from = from
        self.to = to
        generatedAt = now
        self.organizationID = organizationID
        minimumPeople = Self.minimumPeople
        var overallTally = Tally()
        for r in referrals { overallTally.add(r) }
        let total = Self.suppressRowOutcomes(overallTally.cells())
        overall = Self.row("all", total, medianOf: overallTally)
        breakdowns = Self.dimensions.map { dimension in
            var tallies: [String: Tally] = [:]
            for r in referrals { for g in Set(r.groups(dimension)) { tallies[g, default: Tally()].add(r) } }
            let keys = tallies.keys.sorted()
            let cells = Self.suppress(keys.map { tallies[$0]!.cells() }, total: total)
            return Breakdown(dimension: dimension, rows: zip(keys, cells).map { Self.row($0, $1, medianOf: tallies[$0]!) })
        }
        loopClosureByWeek = Self.weeks(referrals, from: from, to: to)
    }

    static func weeks(_ referrals: [Referral], from: Date, to: Date) -> [WeekPoint] {
        let week = 7.0 * 86_400
        let count = max(1, Int((to.timeIntervalSince(from) / week).rounded(.up)))
        var points: [WeekPoint] = []
        for domain in NeedDomain.allCases {
            for w in 0..<min(count, 60) {
                let start = from.addingTimeInterval(Double(w) * week)
                let sent = referrals.filter { $0.domains.contains(domain) && $0.requestedAt >= start && $0.requestedAt < start.addingTimeInterval(week) }
                guard !sent.isEmpty else { continue }
                let counted = sent.filter(\.countsForClosure)
                let shown = Set(counted.map(\.personID)).count >= minimumPeople
                points.append(WeekPoint(needDomain: domain.rawValue, weekStart: start,
                                        loopClosureRate: shown ? Double(counted.filter(\.closed).count) / Double(counted.count) : nil))
            }
        }
        return points
    }

    /// A cell's count and the people behind it, with whether it is suppressed.
    struct CellFigure: Hashable {
        var count: Int
        var people: Int
        var suppressed: Bool
    }

    static let measures = ["referrals", "accepted", "answered"] + outcomes.map { "outcome:" + $0 }

    /// The counts of one group, with the distinct people behind each.
    struct Tally {
        var people: [String: Set<String>] = [:]
        var counts: [String: Int] = [:]
        var answerHours: [Double] = []

        mutating func add(_ r: Referral) {
            func count(_ measure: String) { counts[measure, default: 0] += 1; people[measure, default: []].insert(r.personID) }
            count("referrals")
            if r.everAccepted { count("accepted") }
            if let answered = r.firstAnsweredAt {
                count("answered")
                answerHours.append(answered.timeIntervalSince(r.requestedAt) / 3600)
            }
            count("outcome:" + r.outcome)
        }

        func cells() -> [String: CellFigure] {
            Dictionary(uniqueKeysWithValues: EquityReport.measures.map { m in
                let people = people[m]?.count ?? 0
                return (m, CellFigure(count: counts[m] ?? 0, people: people, suppressed: people < EquityReport.minimumPeople))
            })
        }
    }

    /// Primary suppression is in the cells already; adds the secondary suppression a total would undo:
    /// in each measure across the groups (against the overall row), and across each row's outcomes
    /// (against its referrals), until no sum holds exactly one suppressed cell.
    static func suppress(_ rows: [[String: CellFigure]], total: [String: CellFigure]) -> [[String: CellFigure]] {
        var rows = rows.map(suppressRowOutcomes)
        var changed = true
        while changed {
            changed = false
            for measure in measures where !(total[measure]?.suppressed ?? true) {
                let hidden = rows.indices.filter { rows[$0][measure]!.suppressed }
                guard hidden.count == 1 else { continue }
                let shown = rows.indices.filter { !rows[$0][measure]!.suppressed }
                if let next = shown.min(by: { (rows[$0][measure]!.count, $0) < (rows[$1][measure]!.count, $1) }) {
                    rows[next][measure]!.suppressed = true
                    changed = true
                }
            }
            for i in rows.indices {
                let before = rows[i]
                rows[i] = suppressRowOutcomes(rows[i])
                if rows[i] != before { changed = true }
            }
        }
        return rows
    }

    /// Within one row the outcomes add up to the referrals: never exactly one of them hidden while the referrals show.
    static func suppressRowOutcomes(_ row: [String: CellFigure]) -> [String: CellFigure] {
        var row = row
        while !(row["referrals"]?.suppressed ?? true) {
            let keys = outcomes.map { "outcome:" + $0 }
            let hidden = keys.filter { row[$0]!.suppressed }
            guard hidden.count == 1, let next = keys.filter({ !row[$0]!.suppressed }).min(by: { (row[$0]!.count, $0) < (row[$1]!.count, $1) })
            else { break }
            row[next]!.suppressed = true
        }
        return row
    }

    static func row(_ group: String, _ cells: [String: CellFigure], medianOf tally: Tally) -> Row {
        func cell(_ m: String) -> Cell { cells[m]!.suppressed ? .suppressed : .count(cells[m]!.count) }
        let referrals = cell("referrals"), accepted = cell("accepted"), answered = cell("answered")
        var rate: Double?
        if let r = referrals.value, let a = accepted.value, r > 0 { rate = Double(a) / Double(r) }
        return Row(group: group, referrals: referrals, accepted: accepted, acceptanceRate: rate, answered: answered,
                   medianHoursToAnswer: answered.value == nil ? nil : LoopClosureReport.median(tally.answerHours),
                   outcomes: Dictionary(uniqueKeysWithValues: outcomes.map { ($0, cell("outcome:" + $0)) }))
    }
}
