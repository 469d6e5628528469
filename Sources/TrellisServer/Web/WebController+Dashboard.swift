import Foundation
import Hummingbird
import TrellisCore
import TrellisStore

extension WebController {
    /// The supervisor's dashboard: loop closure and answer times per agency over 30 days (their
    /// organization's referrals; everyone's for an administrator), what is overdue now, and the
    /// directory's health.
    func dashboard(_ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require(AccessControl.reporters, context, to: "read reports")
        let period = ReportPeriod()
        let referrer = user.role == .admin ? nil : user.organizationID
        let report = try await store.loopClosureReport(from: period.from, to: period.to, now: Date(), referrerOrganizationID: referrer)
        let overdue = try await store.referrals(ReferralFilter(overdueAt: Date(), limit: 50, scope: try await access.referralScope(for: user)),
                                                context: access.audit(user, context, purpose: "operations"))
        let percent: (Double?) -> String = { $0.map { String(format: "%.0f%%", $0 * 100) } ?? "–" }
        let hours: (Double?) -> String = { $0.map { String(format: "%.1f", $0) } ?? "–" }
        let health = matching?.catalog.health
        let equityPeriod = ReportPeriod(from: Date().addingTimeInterval(-Self.equityDays * 86_400))
        let equity = try await store.equityReport(from: equityPeriod.from, to: equityPeriod.to, now: Date(), referrerOrganizationID: referrer)
        let rejected = try await store.rejectedServices(since: Date().addingTimeInterval(-90 * 86_400), moreThan: Self.rejectionThreshold)
        let time = self.time
        var values: [String: Any] = [
            "from": time.day(period.from), "to": time.day(period.to), "scope": referrer.map(organizationName) ?? "all organizations",
            "chart": LoopClosureChart.svg(report.agencies, name: { organizationName($0) }),
            "overall": ["sent": report.overall.sent, "rate": percent(report.overall.loopClosureRate),
                        "hours": hours(report.overall.medianHoursToFirstAnswer), "overdue": report.overall.overdueNow],
            "agencies": report.agencies.map { a in
                ["id": a.organizationID ?? "", "name": a.organizationID.map(organizationName) ?? "all", "sent": a.sent, "accepted": a.accepted, "rejected": a.rejected, "completed": a.completed,
                 "unanswered": a.unanswered, "rate": percent(a.loopClosureRate), "hours": hours(a.medianHoursToFirstAnswer),
                 "overdue": a.overdueNow] as [String: Any]
            },
            "no_agencies": report.agencies.isEmpty,
            "overdue": overdue.map { ["id": $0.id, "agency": organizationName($0.organizationID), "agency_id": $0.organizationID,
                                      "person_ref": $0.personRef,
                                      "respond_by": $0.respondBy.map { "\(time.moment($0)) (\(time.deadline($0)))" } ?? ""] as [String: Any] },
            "no_overdue": overdue.isEmpty,
            "health": health.map { h in
                ["services": h.services, "stale": h.stale, "without_capacity": h.withoutCapacity,
                 "stale_examples": h.staleExamples.map { ["name": $0.name, "id": $0.serviceID,
                                                     "verified": $0.lastVerified.map { CalendarDay(iso: $0).map(time.day) ?? $0 } ?? "never"] },
                 "capacity_examples": h.withoutCapacityExamples.map { ["name": $0.name, "id": $0.serviceID] }] as [String: Any]
            } ?? [:],
            "equity": Self.equityValues(equity),
            "trend": LoopClosureTrendChart.svg(equity.loopClosureByWeek, from: equity.from, to: equity.to, time: time),
            "equity_from": time.day(equity.from),
            "rejected_organizations": Self.rejectedValues(rejected), "no_rejected": rejected.isEmpty,
            "rejection_threshold": Self.rejectionThreshold,
        ]
        values["outcomes"] = Self.outcomeValues(report, organizationName: { organizationName($0) })
        return pages.render("dashboard", values, title: "Dashboard", context: context)
    }

    /// The equity section covers a quarter: a month holds too few people per group to show much.
    static let equityDays = 90.0
    /// Services rejected for no capacity or not eligible more than this many times in 90 days are listed.
    static let rejectionThreshold = 3

    /// `GET /dashboard/equity.csv`: the dashboard's equity table as the API's CSV, for the same people.
    func equityCSV(_ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require(AccessControl.reporters, context, to: "read reports")
        let period = ReportPeriod(from: Date().addingTimeInterval(-Self.equityDays * 86_400))
        let referrer = user.role == .admin ? nil : user.organizationID
        return EquityCSV.response(try await store.equityReport(from: period.from, to: period.to, now: Date(), referrerOrganizationID: referrer))
    }

    static func equityValues(_ report: EquityReport) -> [[String: Any]] {
        let titles = ["need_domain": "Need domain", "preferred_language": "Preferred language", "interpreter_needed": "Interpreter needed",
                      "age_band": "Age band", "urgency": "Urgency"]
        func row(_ r: EquityReport.Row) -> [String: Any] {
            ["group": r.group, "referrals": r.referrals.description, "accepted": r.accepted.description,
             "rate": r.acceptanceRate.map { String(format: "%.0f%%", $0 * 100) } ?? "–",
             "hours": r.medianHoursToAnswer.map { String(format: "%.1f", $0) } ?? "–",
             "outcomes": EquityReport.outcomes.map { ["value": r.outcomes[$0]?.description ?? ""] }]
        }
        return report.breakdowns.map { b in
            ["dimension": b.dimension, "title": titles[b.dimension] ?? b.dimension, "rows": b.rows.map(row), "overall": row(report.overall)] as [String: Any]
        }
    }

    static func rejectedValues(_ rejected: [RejectedService]) -> [[String: Any]] {
        RejectedServiceGroups.organizations(rejected).map { o in
            ["id": o.id, "name": o.name ?? o.id, "services": o.services.map { s in
                ["id": s.serviceID, "name": s.serviceName ?? s.serviceID, "no_capacity": s.noCapacity, "not_eligible": s.notEligible] as [String: Any]
            }] as [String: Any]
        }
    }
}
