import Foundation
import Logging
import PostgresNIO
public import TrellisCore

extension PostgresStore {
    public func storeDirectory(_ services: [Service], files: [String], context: AuditContext) async throws -> DirectorySnapshot {
        let unique = DirectoryDocuments.deduplicated(services)
        let documents = try DirectoryDocuments.encode(unique)
        let logger = self.logger
        return try await transaction { connection, audit in
            let filesText = DirectoryDocuments.filesText(files)
            guard let row = try await Self.first(connection.query("""
                INSERT INTO directory_snapshot (imported_at, actor, files, service_count)
                VALUES (\(context.now), \(context.actor), \(filesText), \(unique.count)) RETURNING id
                """, logger: logger)) else { throw StoreError.invalid(field: "directory_snapshot", reason: "no id returned") }
            let snapshot = try row.decode(Int64.self)
            // Many rows per statement: one round trip per 500 services.
            for start in stride(from: 0, to: unique.count, by: 500) {
                let end = min(start + 500, unique.count)
                var binds = PostgresBindings()
                var values: [String] = []
                for i in start..<end {
                    let n = binds.count
                    binds.append(unique[i].id)
                    binds.append(unique[i].organizationID)
                    binds.append(snapshot)
                    binds.append(documents[i])
                    values.append("($\(n + 1), $\(n + 2), $\(n + 3), $\(n + 4))")
                }
                try await connection.query(PostgresQuery(unsafeSQL: """
                    INSERT INTO directory_service (id, organization_id, snapshot_id, document) VALUES \(values.joined(separator: ", "))
                    ON CONFLICT (id) DO UPDATE SET organization_id = excluded.organization_id, snapshot_id = excluded.snapshot_id,
                        document = excluded.document
                    """, binds: binds), logger: logger)
            }
            audit.record(context.entry(.create, "directory", String(snapshot), purpose: "operations",
                                                 detail: "\(unique.count) services from \(files.count) files"))
            return DirectorySnapshot(id: snapshot, importedAt: context.now, actor: context.actor, files: files, serviceCount: unique.count)
        }
    }

    public func storedServices() async throws -> [Service] {
        let decoder = JSONDecoder()
        let logger = self.logger
        // Streamed on a held connection rather than collected first: a county directory is 100,000 documents.
        return try await client.withConnection { connection in
            var services: [Service] = []
            for try await document in try await connection.query("SELECT document FROM directory_service ORDER BY id", logger: logger).decode(String.self) {
                services.append(try decoder.decode(Service.self, from: Data(document.utf8)))
            }
            return services
        }
    }

    public func service(id: String) async throws -> Service? {
        try await client.withConnection { connection in try await Self.service(id: id, on: connection, logger: self.logger) }
    }

    public func latestSnapshot() async throws -> DirectorySnapshot? {
        let rows = try await client.query("SELECT id, imported_at, actor, files, service_count FROM directory_snapshot ORDER BY id DESC LIMIT 1", logger: logger)
        for row in rows {
            let (id, at, actor, files, count) = try row.decode((Int64, Date, String, String, Int).self)
            return DirectorySnapshot(id: id, importedAt: at, actor: actor, files: DirectoryDocuments.files(files), serviceCount: count)
        }
        return nil
    }

    static func service(id: String, on connection: PostgresConnection, logger: Logger) async throws -> Service? {
        guard let row = try await first(connection.query("SELECT document FROM directory_service WHERE id = \(id)", logger: logger)) else { return nil }
        return try JSONDecoder().decode(Service.self, from: Data(try row.decode(String.self).utf8))
    }
}
