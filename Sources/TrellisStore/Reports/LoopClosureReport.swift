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

        init(organizationID: String?) { self.organizationID = organizationID }

        enum CodingKeys: String, CodingKey {
            case sent, accepted, rejected, completed, failed, cancelled, unanswered, answered, closed
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
    }

    public var from: Date
    public var to: Date
    public var generatedAt: Date
    public var overall: Figures
    public var agencies: [Figures]

    enum CodingKeys: String, CodingKey {
        case from, to, overall, agencies
        case generatedAt = "generated_at"
    }

    init(from: Date, to: Date, now: Date, rows: [Row], overdue: [String: Int]) {
        self.from = from
        self.to = to
        generatedAt = now
        var overall = Figures(organizationID: nil)
        var byAgency: [String: Figures] = [:]
        var answerHours: [String: [Double]] = [:]
        for row in rows {
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
    }

    private static func count(_ row: Row, hours: Double?, into figures: inout Figures) {
        figures.sent += 1
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
