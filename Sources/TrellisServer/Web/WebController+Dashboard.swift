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
        let values: [String: Any] = [
            "from": Self.shortDate(period.from), "to": Self.shortDate(period.to), "scope": referrer ?? "all organizations",
            "chart": LoopClosureChart.svg(report.agencies),
            "overall": ["sent": report.overall.sent, "rate": percent(report.overall.loopClosureRate),
                        "hours": hours(report.overall.medianHoursToFirstAnswer), "overdue": report.overall.overdueNow],
            "agencies": report.agencies.map { a in
                ["id": a.organizationID ?? "", "sent": a.sent, "accepted": a.accepted, "rejected": a.rejected, "completed": a.completed,
                 "unanswered": a.unanswered, "rate": percent(a.loopClosureRate), "hours": hours(a.medianHoursToFirstAnswer),
                 "overdue": a.overdueNow] as [String: Any]
            },
            "no_agencies": report.agencies.isEmpty,
            "overdue": overdue.map { ["id": $0.id, "agency": $0.organizationID, "person_ref": $0.personRef,
                                      "respond_by": $0.respondBy.map(Self.shortDate) ?? ""] as [String: Any] },
            "no_overdue": overdue.isEmpty,
            "health": health.map { h in
                ["services": h.services, "stale": h.stale, "without_capacity": h.withoutCapacity,
                 "stale_examples": h.staleExamples.map { ["name": $0.name, "id": $0.serviceID, "verified": $0.lastVerified ?? "never"] },
                 "capacity_examples": h.withoutCapacityExamples.map { ["name": $0.name, "id": $0.serviceID] }] as [String: Any]
            } ?? [:],
        ]
        return pages.render("dashboard", values, title: "Dashboard", context: context)
    }
}
