import Foundation
import GRDB
public import TrellisCore

extension SQLiteStore {
    public func storeDirectory(_ services: [Service], files: [String], context: AuditContext) async throws -> DirectorySnapshot {
        let services = DirectoryDocuments.deduplicated(services)
        let documents = try DirectoryDocuments.encode(services)
        return try await transaction { db, audit in
            try db.execute(sql: "INSERT INTO directory_snapshot (imported_at, actor, files, service_count) VALUES (?, ?, ?, ?)",
                           arguments: [context.now, context.actor, DirectoryDocuments.filesText(files), services.count])
            let snapshot = db.lastInsertedRowID
            let statement = try db.cachedStatement(sql: """
                INSERT INTO directory_service (id, organization_id, snapshot_id, document) VALUES (?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET organization_id = excluded.organization_id, snapshot_id = excluded.snapshot_id,
                    document = excluded.document
                """)
            for (service, document) in zip(services, documents) {
                try statement.execute(arguments: [service.id, service.organizationID, snapshot, document])
            }
            try audit.append(context.entry(.create, "directory", String(snapshot),
                                           purpose: "operations", detail: "\(services.count) services from \(files.count) files"), in: db)
            return DirectorySnapshot(id: snapshot, importedAt: context.now, actor: context.actor, files: files, serviceCount: services.count)
        }
    }

    public func storedServices() async throws -> [Service] {
        try await pool.read { db in
            let decoder = JSONDecoder()
            let rows = try String.fetchCursor(db, sql: "SELECT document FROM directory_service ORDER BY id")
            var services: [Service] = []
            while let document = try rows.next() { services.append(try decoder.decode(Service.self, from: Data(document.utf8))) }
            return services
        }
    }

    public func service(id: String) async throws -> Service? {
        try await pool.read { db in try Self.service(id: id, in: db) }
    }

    public func latestSnapshot() async throws -> DirectorySnapshot? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM directory_snapshot ORDER BY id DESC LIMIT 1").map { row in
                DirectorySnapshot(id: row["id"], importedAt: row["imported_at"], actor: row["actor"],
                                  files: DirectoryDocuments.files(row["files"]), serviceCount: row["service_count"])
            }
        }
    }

    static func service(id: String, in db: Database) throws -> Service? {
        try String.fetchOne(db, sql: "SELECT document FROM directory_service WHERE id = ?", arguments: [id]).map {
            try JSONDecoder().decode(Service.self, from: Data($0.utf8))
        }
    }
}
