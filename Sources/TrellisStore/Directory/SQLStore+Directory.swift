public import Foundation
public import TrellisCore

/// The stored directory, so a server restarts without the files.
extension SQLStore {
    /// Stores an import a page at a time in one transaction: only a page of records, the digests of
    /// the ids stored so far and the sources' bookkeeping are held, so a national directory (a million
    /// services) is stored in flat memory. Each page's stored rows are read by id; unchanged services
    /// are not rewritten. Withdrawals are decided at the end against what the sources held before.
    public func storeDirectory<Pages: AsyncSequence<[Service], any Error>>(pages: Pages, files: [String], source: String?,
                                                                          replacement: DirectoryReplacement,
                                                                          context: AuditContext) async throws -> DirectorySnapshot {
        let snapshot = try await storeChanges(pages: pages, files: files, source: source, replacement: replacement, context: context)
        if let changes = snapshot.changes, changes.added + changes.updated + changes.withdrawn >= Self.bulkWrite { await database.reclaimLog() }
        return snapshot
    }

    /// Services written by one import from which its log is worth reclaiming.
    private static var bulkWrite: Int { 10_000 }

    private func storeChanges<Pages: AsyncSequence<[Service], any Error>>(pages: Pages, files: [String], source: String?,
                                                                        replacement: DirectoryReplacement,
                                                                        context: AuditContext) async throws -> DirectorySnapshot {
        try await change { session, audit in
            guard let snapshot = try await session.value("""
                INSERT INTO directory_snapshot (imported_at, actor, files, service_count, source, replaced_source, added, updated, unchanged, withdrawn)
                VALUES (\(context.now), \(context.actor), \(DirectoryDocuments.filesText(files)), 0, \(source),
                        \(replacement.replaceSource), 0, 0, 0, 0) RETURNING id
                """, as: Int64.self) else { throw StoreError.invalid(field: "directory_snapshot", reason: "no id returned") }
            var storing = DirectoryStoring(namedSource: source)
            for try await page in pages {
                for start in stride(from: 0, to: page.count, by: DirectoryStoring.statementSize) {
                    try await storing.store(page[start..<min(start + DirectoryStoring.statementSize, page.count)], snapshot: snapshot, in: session)
                }
            }
            try storing.finish()
            var changes = storing.changes
            if replacement.replaceSource {
                let withdrawing = try await storing.withdrawals(replacement, in: session)
                for start in stride(from: 0, to: withdrawing.count, by: DirectoryStoring.statementSize) {
                    let ids = Array(withdrawing[start..<min(start + DirectoryStoring.statementSize, withdrawing.count)])
                    try await session.execute("UPDATE directory_service SET withdrawn_at = \(context.now) WHERE id IN \(list: ids) AND withdrawn_at IS NULL")
                }
                changes.withdrawn = withdrawing.count
            }
            try await session.execute("""
                UPDATE directory_snapshot SET service_count = \(storing.count), added = \(changes.added), updated = \(changes.updated),
                    unchanged = \(changes.unchanged), withdrawn = \(changes.withdrawn) WHERE id = \(snapshot)
                """)
            let sources = storing.replacing.sorted().joined(separator: ",")
            audit.record(context.entry(.create, "directory", String(snapshot), purpose: "operations",
                                       detail: "\(storing.count) services from \(files.count) files (source \(source ?? sources)): "
                                           + "\(changes.added) added, \(changes.updated) updated, \(changes.unchanged) unchanged, \(changes.withdrawn) withdrawn"))
            return DirectorySnapshot(id: snapshot, importedAt: context.now, actor: context.actor, files: files, serviceCount: storing.count,
                                     source: source, replacedSource: replacement.replaceSource, changes: changes)
        }
    }

    /// Every service in force (withdrawn ones are never matched or searched), read a page at a time by
    /// id (a county directory is 100,000 documents), with the agencies' capacity reports laid over.
    public func storedServices() async throws -> [Service] {
        var services: [Service] = []
        try await forEachStoredService { services.append($0) }
        return services
    }

    /// Hands `body` every service in force, in id order, a page of documents at a time: a national
    /// directory (a million documents, over 5 GB) is never held whole. The next page is read and
    /// decoded on another thread while `body` takes this one (a server's start builds its index as
    /// fast as the documents come).
    public func forEachStoredService(_ body: (Service) throws -> Void) async throws {
        let reports = try await plainRead { session in try await CapacityReports.all(in: session) }
        var next: Task<(services: [Service], last: String?), any Error>? = storedPage(after: "", reports: reports)
        while let pending = next {
            let (page, last) = try await pending.value
            next = page.count == Self.storedPageSize ? last.map { storedPage(after: $0, reports: reports) } : nil
            do {
                for service in page { try body(service) }
            } catch {
                // The page read ahead is over before the error leaves (a command may exit on it).
                next?.cancel()
                _ = try? await next?.value
                throw error
            }
        }
    }

    private static var storedPageSize: Int { 1_000 }

    /// The page of services in force after `id`, read and decoded in a task of its own.
    private func storedPage(after id: String, reports: [String: CapacityReports.Report]) -> Task<(services: [Service], last: String?), any Error> {
        Task {
            try await plainRead { session in
                let rows = try await session.rows(
                    "SELECT id, document FROM directory_service WHERE id > \(id) AND withdrawn_at IS NULL ORDER BY id LIMIT \(Self.storedPageSize)")
                let services = try rows.map { row in
                    let id: String = try row[0]
                    return CapacityReports.applying(reports[id], to: try DirectoryDocuments.decode(try row[1]))
                }
                return (services, try rows.last.map { try $0[0] as String })
            }
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
