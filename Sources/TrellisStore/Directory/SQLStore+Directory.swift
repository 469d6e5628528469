public import Foundation
public import TrellisCore

/// The stored directory, so a server restarts without the files.
extension SQLStore {
    public func storeDirectory(_ services: [Service], files: [String], source: String?, replacement: DirectoryReplacement,
                               context: AuditContext) async throws -> DirectorySnapshot {
        let unique = DirectoryDocuments.deduplicated(services)
        let fingerprints = try unique.map(DirectorySources.fingerprint)
        let sources = unique.map { DirectorySources.source(of: $0, named: source) }
        // The sources this import speaks for: the one named (even with no services), or its records' own.
        let replacing = Set(source.map { [$0] } ?? sources)
        return try await change { session, audit in
            var stored: [String: (source: String?, fingerprint: String?, withdrawn: Bool)] = [:]
            for row in try await session.rows("SELECT id, source, fingerprint, withdrawn_at IS NOT NULL FROM directory_service") {
                stored[try row[0]] = (try row[1], try row[2], try row[3])
            }
            var changes = DirectoryChanges()
            var writes: [Int] = []
            for (i, service) in unique.enumerated() {
                guard let before = stored[service.id], !before.withdrawn else { changes.added += 1; writes.append(i); continue }
                if before.fingerprint == fingerprints[i] && before.source == sources[i] {
                    changes.unchanged += 1
                } else {
                    changes.updated += 1
                    writes.append(i)
                }
            }
            var withdrawing: [String] = []
            if replacement.replaceSource {
                let importing = Set(unique.map(\.id))
                for (source, active) in Self.activeServices(in: stored, of: replacing) {
                    let gone = active.filter { !importing.contains($0) && !replacement.keeping.contains($0) }
                    guard replacement.permits(withdrawing: gone.count, of: active.count) else {
                        throw StoreError.massWithdrawal(source: source, withdrawing: gone.count, active: active.count,
                                                        maxShare: replacement.maxWithdrawalShare)
                    }
                    withdrawing += gone
                }
                changes.withdrawn = withdrawing.count
            }
            guard let snapshot = try await session.value("""
                INSERT INTO directory_snapshot (imported_at, actor, files, service_count, source, replaced_source, added, updated, unchanged, withdrawn)
                VALUES (\(context.now), \(context.actor), \(DirectoryDocuments.filesText(files)), \(unique.count), \(source),
                        \(replacement.replaceSource), \(changes.added), \(changes.updated), \(changes.unchanged), \(changes.withdrawn)) RETURNING id
                """, as: Int64.self) else { throw StoreError.invalid(field: "directory_snapshot", reason: "no id returned") }
            // Many rows per statement: one statement per 500 services. Unchanged services are not rewritten.
            // Documents are encoded a statement at a time: all of them at once were the largest thing
            // a big import held (about 5 KB a service).
            for start in stride(from: 0, to: writes.count, by: 500) {
                let batch = Array(writes[start..<min(start + 500, writes.count)])
                let documents = try DirectoryDocuments.encode(batch.map { unique[$0] })
                let rows = zip(batch, documents).map { i, document -> SQLQuery in
                    "(\(unique[i].id), \(unique[i].organizationID), \(snapshot), \(document), \(sources[i]), \(fingerprints[i]))"
                }
                try await session.execute("""
                    INSERT INTO directory_service (id, organization_id, snapshot_id, document, source, fingerprint) VALUES \(SQLQuery.joined(rows, separator: ", "))
                    ON CONFLICT (id) DO UPDATE SET organization_id = excluded.organization_id, snapshot_id = excluded.snapshot_id,
                        document = excluded.document, source = excluded.source, fingerprint = excluded.fingerprint, withdrawn_at = NULL
                    """)
            }
            for start in stride(from: 0, to: withdrawing.count, by: 500) {
                let ids = Array(withdrawing[start..<min(start + 500, withdrawing.count)])
                try await session.execute("UPDATE directory_service SET withdrawn_at = \(context.now) WHERE id IN \(list: ids) AND withdrawn_at IS NULL")
            }
            audit.record(context.entry(.create, "directory", String(snapshot), purpose: "operations",
                                       detail: "\(unique.count) services from \(files.count) files (source \(source ?? replacing.sorted().joined(separator: ","))): "
                                           + "\(changes.added) added, \(changes.updated) updated, \(changes.unchanged) unchanged, \(changes.withdrawn) withdrawn"))
            return DirectorySnapshot(id: snapshot, importedAt: context.now, actor: context.actor, files: files, serviceCount: unique.count,
                                     source: source, replacedSource: replacement.replaceSource, changes: changes)
        }
    }

    /// The services still in force per source, for the sources an import replaces, sorted for a stable refusal.
    private static func activeServices(in stored: [String: (source: String?, fingerprint: String?, withdrawn: Bool)],
                                       of sources: Set<String>) -> [(String, [String])] {
        var active: [String: [String]] = [:]
        for (id, row) in stored where !row.withdrawn {
            if let source = row.source, sources.contains(source) { active[source, default: []].append(id) }
        }
        return active.sorted { $0.key < $1.key }.map { ($0.key, $0.value.sorted()) }
    }

    /// Every service in force (withdrawn ones are never matched or searched), read a page at a time by
    /// id (a county directory is 100,000 documents), with the agencies' capacity reports laid over.
    public func storedServices() async throws -> [Service] {
        var services: [Service] = []
        try await forEachStoredService { services.append($0) }
        return services
    }

    /// Hands `body` every service in force, in id order, a page of documents at a time: a national
    /// directory (a million documents, over 5 GB) is never held whole.
    public func forEachStoredService(_ body: (Service) throws -> Void) async throws {
        let decoder = JSONDecoder()
        let reports = try await plainRead { session in try await CapacityReports.all(in: session) }
        var after = ""
        while true {
            let page = try await plainRead { session in
                try await session.rows("SELECT id, document FROM directory_service WHERE id > \(after) AND withdrawn_at IS NULL ORDER BY id LIMIT 1000")
                    .map { row -> (String, String) in (try row[0], try row[1]) }
            }
            for (id, document) in page {
                try body(CapacityReports.applying(reports[id], to: try decoder.decode(Service.self, from: Data(document.utf8))))
            }
            guard let last = page.last, page.count == 1_000 else { return }
            after = last.0
        }
    }

    /// A stored service, withdrawn or not: referrals that point at a withdrawn one still show it.
    public func service(id: String) async throws -> Service? {
        try await plainRead { session in
            guard let service = try await ReferralRows.service(id: id, in: session) else { return nil }
            return CapacityReports.applying(try await CapacityReports.report(for: id, in: session), to: service)
        }
    }

    public func latestSnapshot() async throws -> DirectorySnapshot? {
        try await plainRead { session in
            try await session.firstRow("""
                SELECT id, imported_at, actor, files, service_count, source, replaced_source, added, updated, unchanged, withdrawn
                FROM directory_snapshot ORDER BY id DESC LIMIT 1
                """).map { row in
                let added: Int? = try row[7]
                return DirectorySnapshot(id: try row[0], importedAt: try row[1], actor: try row[2], files: DirectoryDocuments.files(try row[3]),
                                         serviceCount: try row[4], source: try row[5], replacedSource: try row[6],
                                         changes: try added.map { DirectoryChanges(added: $0, updated: (try row[8] as Int?) ?? 0,
                                                                      unchanged: (try row[9] as Int?) ?? 0, withdrawn: (try row[10] as Int?) ?? 0) })
            }
        }
    }
}
