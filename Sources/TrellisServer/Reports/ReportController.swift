import Foundation
public import Hummingbird
import HummingbirdCore
import TrellisCore
public import TrellisStore

/// `GET /v1/reports/loop-closure?from&to`: how each agency answered. A supervisor sees the referrals
/// their organization made; an administrator all of them (or one referring organization's, with
/// `organization`). Counts only: no person's data. `GET /v1/reports/equity?from&to[&format=csv]`: the
/// same referrals broken down by need domain, language, interpreter, age band and urgency, small
/// cells suppressed (`EquityReport`), as JSON or CSV.
public struct ReportController: Sendable {
    let store: any ReferralRepository & PartnerRepository
    let access: AccessControl

    public init(store: any ReferralRepository & PartnerRepository, auditLog: any AuditLog) {
        self.store = store
        access = AccessControl(store: store, auditLog: auditLog)
    }

    public func addRoutes(to group: RouterGroup<TrellisRequestContext>) {
        group.get("/reports/loop-closure") { request, context in
            let user = try await access.require(AccessControl.reporters, context, to: "read reports")
            let period = try ReportPeriod(request.uri, parameters: ["from", "to", "organization"])
            let referrer = user.role == .admin ? request.uri.text("organization") : user.organizationID
            let report = try await store.loopClosureReport(from: period.from, to: period.to, now: Date(), referrerOrganizationID: referrer)
            return try JSONResponse.encode(.ok, report)
        }
        group.get("/reports/equity") { request, context in
            // Scoped as the loop-closure report: a supervisor's own organization's referrals; an administrator's all or one's.
            let user = try await access.require(AccessControl.reporters, context, to: "read reports")
            let period = try ReportPeriod(request.uri, parameters: ["from", "to", "organization", "format"])
            let csv = try EquityCSV.wanted(request)
            let referrer = user.role == .admin ? request.uri.text("organization") : user.organizationID
            let report = try await store.equityReport(from: period.from, to: period.to, now: Date(), referrerOrganizationID: referrer)
            return csv ? EquityCSV.response(report) : try JSONResponse.encode(.ok, report)
        }
    }
}

/// `from` (default 30 days ago) and `to` (exclusive, default now): `YYYY-MM-DD` or a date-time with zone.
struct ReportPeriod: Sendable {
    var from: Date
    var to: Date

    init(from: Date? = nil, to: Date? = nil) {
        let now = Date()
        self.from = from ?? now.addingTimeInterval(-30 * 86_400)
        self.to = to ?? now.addingTimeInterval(1)
    }

    init(_ uri: URI, parameters: Set<String>) throws {
        try uri.rejectUnknownParameters(parameters)
        self.init(from: try uri.text("from").map { try Self.date($0, field: "from") },
                  to: try uri.text("to").map { try Self.date($0, field: "to") })
        guard from < to else { throw APIError.invalid("from must come before to", field: "from") }
    }

    static func date(_ text: String, field: String) throws -> Date {
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        if text.count == 10, let date = try? Date.ISO8601FormatStyle().parse(text + "T00:00:00Z") { return date }
        throw APIError.invalid("\(field): expected YYYY-MM-DD or a date-time with zone, as 2026-11-20T15:04:00Z", field: field)
    }
}
