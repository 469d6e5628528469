public import Foundation
public import TrellisCore

/// Capacity reported by the agencies themselves, newer than the weeks-old export: the newer of the two
/// is what the directory gives from then on.
extension SQLStore {
    public func reportCapacity(serviceID: String, available: Int?, waitlist: Int?, context: AuditContext) async throws -> Service {
        try await change { session, audit in
            guard var service = try await ReferralRows.service(id: serviceID, in: session) else { throw StoreError.serviceNotFound(serviceID) }
            try await session.execute("""
                INSERT INTO capacity_report (service_id, available, waitlist, reported_at, reported_by)
                VALUES (\(serviceID), \(available), \(waitlist), \(context.now), \(context.actor))
                ON CONFLICT (service_id) DO UPDATE SET available = excluded.available, waitlist = excluded.waitlist,
                    reported_at = excluded.reported_at, reported_by = excluded.reported_by
                """)
            audit.record(context.entry(.update, "service", serviceID, purpose: "operations",
                                       detail: "capacity reported: \(available.map(String.init) ?? "unknown") open, \(waitlist.map(String.init) ?? "unknown") waiting"))
            service = CapacityReports.applying(CapacityReports.Report(available: available, waitlist: waitlist, at: context.now), to: service)
            return service
        }
    }
}

extension SQLStore {
    public func services(ofOrganizations organizations: [String]) async throws -> [Service] {
        guard !organizations.isEmpty else { return [] }
        return try await plainRead { session in
            var services: [Service] = []
            // One read, the reports joined: the inbox page shows every service of the agency.
            for row in try await session.rows("""
                SELECT d.document, c.reported_at, c.available, c.waitlist FROM directory_service d
                LEFT JOIN capacity_report c ON c.service_id = d.id WHERE d.organization_id IN \(list: organizations)
                """) {
                let service = try DirectoryDocuments.decode(try row[0])
                services.append(CapacityReports.applying(try CapacityReports.Report(row, from: 1), to: service))
            }
            return services.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        }
    }
}

/// Agencies' reports laid over the imported figures.
enum CapacityReports {
    struct Report: Sendable {
        var available: Int?
        var waitlist: Int?
        var at: Date

        /// `reported_at, available, waitlist` from column `first` on; nil when there is no report (a join's NULL).
        init?(_ row: any SQLRow, from first: Int) throws {
            guard let at: Date = try row[first] else { return nil }
            self.init(available: try row[first + 1], waitlist: try row[first + 2], at: at)
        }

        init(available: Int?, waitlist: Int?, at: Date) {
            self.available = available
            self.waitlist = waitlist
            self.at = at
        }
    }

    static func all(in session: any SQLSession) async throws -> [String: Report] {
        var reports: [String: Report] = [:]
        for row in try await session.rows("SELECT service_id, reported_at, available, waitlist FROM capacity_report") {
            reports[try row[0]] = try Report(row, from: 1)
        }
        return reports
    }

    static func report(for serviceID: String, in session: any SQLSession) async throws -> Report? {
        try await session.firstRow("SELECT reported_at, available, waitlist FROM capacity_report WHERE service_id = \(serviceID)")
            .flatMap { try Report($0, from: 0) }
    }

    /// The report replaces the import's figures unless the import is newer (by day); the service's
    /// maximum, which agencies do not report, is kept.
    static func applying(_ report: Report?, to service: Service) -> Service {
        guard let report else { return service }
        let day = CalendarDay(daysSinceEpoch: Int((report.at.timeIntervalSince1970 / 86_400).rounded(.down)))
        if let imported = service.capacity?.updated, day < imported { return service }
        var service = service
        service.capacity = Capacity(available: report.available, maximum: service.capacity?.maximum, waitlist: report.waitlist, updated: day)
        return service
    }
}
