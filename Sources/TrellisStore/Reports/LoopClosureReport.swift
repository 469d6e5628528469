public import Foundation
import TrellisCore

/// How referrals fared, per agency and overall, for referrals sent in a period.
///
/// - sent: referrals sent (`requested`) in the period.
/// - accepted: of those, the ones the agency ever accepted; rejected, completed likewise (final status).
/// - unanswered: still `requested`, no answer at all.
/// - loop closure: the referral reached a final outcome (rejected, completed, failed, or cancelled after
///   the agency had answered), out of those sent less the ones the referrer withdrew before any answer
///   and those entered in error.
/// - overdue now: all referrals waiting past their deadline at the report time, whenever sent.
/// - outcomes: completed, failed and rejected referrals by outcome code (`unknown` when the agency
///   gave none); re-referred: rejected or failed referrals the case worker followed with the next
///   match; contact attempts: how many the agencies recorded. Per agency, overall, and per need domain
///   (`by_need_domain`: a referral for two domains counts in each).
public struct LoopClosureReport: Codable, Hashable, Sendable {
    public struct Figures: Codable, Hashable, Sendable {
        public var organizationID: String?
        public var sent = 0
        public var accepted = 0
        public var rejected = 0
        public var rejectionReasons: [String: Int] = [:]
        public var completed = 0
        public var failed = 0
        public var cancelled = 0
        public var unanswered = 0
        public var answered = 0
        public var closed = 0
        /// Cancelled by the referrer before any answer, or entered in error: left out of the rate.
        public var withdrawnBeforeAnswer = 0
        /// Closed ÷ (sent − withdrawn before an answer − entered in error); nil when nothing counts.
        public var loopClosureRate: Double?
        public var medianHoursToFirstAnswer: Double?
        public var overdueNow = 0
        /// Completed, failed and rejected referrals by outcome code (`unknown` without one).
        public var outcomes: [String: Int] = [:]
        /// Rejected or failed referrals followed by a referral to the next match.
        public var reReferred = 0
        public var contactAttempts = 0

        init(organizationID: String?) { self.organizationID = organizationID }

        enum CodingKeys: String, CodingKey {
            case sent, accepted, rejected, completed, failed, cancelled, unanswered, answered, closed, outcomes
            case reReferred = "re_referred", contactAttempts = "contact_attempts"
            case organizationID = "organization_id", rejectionReasons = "rejection_reasons"
            case loopClosureRate = "loop_closure_rate", medianHoursToFirstAnswer = "median_hours_to_first_answer"
            case overdueNow = "overdue_now", withdrawnBeforeAnswer = "withdrawn_before_answer"
        }
    }

    /// One sent referral, as the backends read it for the report.
    struct Row: Sendable {
        var organizationID: String
        var status: ReferralStatus
        var requestedAt: Date
        var firstAnsweredAt: Date?
        var everAccepted: Bool
        var rejectionReason: String?
        var outcomeCode: String?
        var needDomains: [String] = []
        var reReferred = false
        var contactAttempts = 0
    }

    /// Outcomes for referrals of one need domain.
    public struct NeedDomainOutcomes: Codable, Hashable, Sendable {
        public var needDomain: String
        public var sent = 0
        public var completed = 0
        public var failed = 0
        public var rejected = 0
        public var outcomes: [String: Int] = [:]
        public var reReferred = 0

        init(needDomain: String) { self.needDomain = needDomain }

        enum CodingKeys: String, CodingKey {
            case sent, completed, failed, rejected, outcomes
            case needDomain = "need_domain", reReferred = "re_referred"
        }
    }

    public var from: Date
    public var to: Date
    public var generatedAt: Date
    public var overall: Figures
    public var agencies: [Figures]
    public var byNeedDomain: [NeedDomainOutcomes]

    enum CodingKeys: String, CodingKey {
        case from, to, overall, agencies
        case byNeedDomain = "by_need_domain"
        case generatedAt = "generated_at"
    }

    init(from: Date, to: Date, now: Date, rows: [Row], overdue: [String: Int]) {
        self.from = from
        self.to = to
        generatedAt = now
        var overall = Figures(organizationID: nil)
        var byAgency: [String: Figures] = [:]
        var answerHours: [String: [Double]] = [:]
        var domains: [String: NeedDomainOutcomes] = [:]
        for row in rows {
            for domain in Set(row.needDomains) { Self.count(row, into: &domains[domain, default: NeedDomainOutcomes(needDomain: domain)]) }
            let hours = row.firstAnsweredAt.map { $0.timeIntervalSince(row.requestedAt) / 3600 }
            Self.count(row, hours: hours, into: &overall)
            Self.count(row, hours: hours, into: &byAgency[row.organizationID, default: Figures(organizationID: row.organizationID)])
            if let hours { answerHours[row.organizationID, default: []].append(hours); answerHours["", default: []].append(hours) }
        }
        for (organization, count) in overdue {
            byAgency[organization, default: Figures(organizationID: organization)].overdueNow = count
            overall.overdueNow += count
        }
        func finish(_ figures: inout Figures, _ key: String) {
            let withdrawn = figures.withdrawnBeforeAnswer
            let denominator = figures.sent - withdrawn
            figures.loopClosureRate = denominator > 0 ? Double(figures.closed) / Double(denominator) : nil
            figures.medianHoursToFirstAnswer = Self.median(answerHours[key] ?? [])
        }
        finish(&overall, "")
        self.agencies = byAgency.keys.sorted().map { key in
            var figures = byAgency[key]!
            finish(&figures, key)
            return figures
        }
        self.overall = overall
        byNeedDomain = domains.keys.sorted().map { domains[$0]! }
    }

    /// The outcome key a final referral counts under, or nil for one not ended by the agency.
    private static func outcomeKey(_ row: Row) -> String? {
        [.completed, .failed, .rejected].contains(row.status) ? (row.outcomeCode ?? "unknown") : nil
    }

    private static func count(_ row: Row, into figures: inout NeedDomainOutcomes) {
        figures.sent += 1
        switch row.status {
        case .completed: figures.completed += 1
        case .failed: figures.failed += 1
        case .rejected: figures.rejected += 1
        default: break
        }
        if let key = outcomeKey(row) { figures.outcomes[key, default: 0] += 1 }
        if row.reReferred { figures.reReferred += 1 }
    }

    private static func count(_ row: Row, hours: Double?, into figures: inout Figures) {
        figures.sent += 1
        if let key = outcomeKey(row) { figures.outcomes[key, default: 0] += 1 }
        if row.reReferred { figures.reReferred += 1 }
        figures.contactAttempts += row.contactAttempts
        if row.everAccepted { figures.accepted += 1 }
        if hours != nil { figures.answered += 1 }
        switch row.status {
        case .rejected:
            figures.rejected += 1
            figures.rejectionReasons[row.rejectionReason ?? "(no reason)", default: 0] += 1
        case .completed: figures.completed += 1
        case .failed: figures.failed += 1
        case .cancelled: figures.cancelled += 1
        case .requested: figures.unanswered += 1
        default: break
        }
        let answered = hours != nil
        if row.status == .cancelled && !answered || row.status == .enteredInError {
            figures.withdrawnBeforeAnswer += 1
        } else if [.rejected, .completed, .failed].contains(row.status) || (row.status == .cancelled && answered) {
            figures.closed += 1
        }
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
