public import Foundation
public import TrellisCore

/// The stored directory, so a server restarts without the files.
extension SQLStore {
    public func storeDirectory(_ services: [Service], files: [String], context: AuditContext) async throws -> DirectorySnapshot {
        let unique = DirectoryDocuments.deduplicated(services)
        let documents = try DirectoryDocuments.encode(unique)
        return try await change { session, audit in
            guard let snapshot = try await session.value("""
                INSERT INTO directory_snapshot (imported_at, actor, files, service_count)
                VALUES (\(context.now), \(context.actor), \(DirectoryDocuments.filesText(files)), \(unique.count)) RETURNING id
                """, as: Int64.self) else { throw StoreError.invalid(field: "directory_snapshot", reason: "no id returned") }
            // Many rows per statement: one statement per 500 services.
            for start in stride(from: 0, to: unique.count, by: 500) {
                let rows = (start..<min(start + 500, unique.count)).map { i -> SQLQuery in
                    "(\(unique[i].id), \(unique[i].organizationID), \(snapshot), \(documents[i]))"
                }
                try await session.execute("""
                    INSERT INTO directory_service (id, organization_id, snapshot_id, document) VALUES \(SQLQuery.joined(rows, separator: ", "))
                    ON CONFLICT (id) DO UPDATE SET organization_id = excluded.organization_id, snapshot_id = excluded.snapshot_id, document = excluded.document
                    """)
            }
            audit.record(context.entry(.create, "directory", String(snapshot), purpose: "operations",
                                       detail: "\(unique.count) services from \(files.count) files"))
            return DirectorySnapshot(id: snapshot, importedAt: context.now, actor: context.actor, files: files, serviceCount: unique.count)
        }
    }

    /// Every stored service, read a page at a time by id (a county directory is 100,000 documents).
    /// With the agencies' capacity reports laid over the imported figures.
    public func storedServices() async throws -> [Service] {
        let decoder = JSONDecoder()
        let reports = try await plainRead { session in try await CapacityReports.all(in: session) }
        var services: [Service] = []
        var after = ""
        while true {
            let page = try await plainRead { session in
                try await session.rows("SELECT id, document FROM directory_service WHERE id > \(after) ORDER BY id LIMIT 5000")
                    .map { row -> (String, String) in (try row[0], try row[1]) }
            }
            for (id, document) in page {
                services.append(CapacityReports.applying(reports[id], to: try decoder.decode(Service.self, from: Data(document.utf8))))
            }
            guard let last = page.last, page.count == 5_000 else { return services }
            after = last.0
        }
    }

    public func service(id: String) async throws -> Service? {
        try await plainRead { session in
            guard let service = try await ReferralRows.service(id: id, in: session) else { return nil }
            return CapacityReports.applying(try await CapacityReports.report(for: id, in: session), to: service)
        }
    }

    public func latestSnapshot() async throws -> DirectorySnapshot? {
        try await plainRead { session in
            try await session.firstRow("SELECT id, imported_at, actor, files, service_count FROM directory_snapshot ORDER BY id DESC LIMIT 1").map { row in
                DirectorySnapshot(id: try row[0], importedAt: try row[1], actor: try row[2], files: DirectoryDocuments.files(try row[3]), serviceCount: try row[4])
            }
        }
    }
}
