import TrellisCore

/// One import being stored a statement's worth of services at a time: what it added, updated and left
/// unchanged; a digest of each id it holds (to find what a replaced source no longer holds, and to
/// refuse an id given twice), kept in a plain array (16 bytes an id; a set took twice that and more);
/// and, per source, the services it brought in or moved out, so that a withdrawal's share is taken of
/// what the source held before the import.
struct DirectoryStoring {
    /// Services per statement (six values each).
    static let statementSize = 500
    /// Rows read per query when walking the stored directory for withdrawals.
    private static let walkPage = 5_000

    let namedSource: String?
    private(set) var changes = DirectoryChanges()
    private(set) var count = 0
    /// The sources this import speaks for: the one named (even with no services), or its records' own.
    private(set) var replacing: Set<String>
    /// Sorted by `finish()`, which withdrawals need first.
    private var importing: [ServiceIDDigest] = []
    /// Per source, services this import made active in it (new, withdrawn before, or moved from another source).
    private var joined: [String: Int] = [:]
    /// Per source, active services this import moved to another source.
    private var left: [String: Int] = [:]

    init(namedSource: String?) {
        self.namedSource = namedSource
        replacing = namedSource.map { [$0] } ?? []
    }

    /// Upserts `services` (ids not given before in this import) under `snapshot`; unchanged ones are not rewritten.
    mutating func store(_ services: ArraySlice<Service>, snapshot: Int64, in session: any SQLSession) async throws {
        var page = Set<String>(minimumCapacity: services.count)
        for service in services where !page.insert(service.id).inserted {
            throw StoreError.invalid(field: "id", reason: "service \(service.id) is given twice in one import")
        }
        importing.append(contentsOf: services.lazy.map { ServiceIDDigest($0.id) })
        count += services.count
        var stored: [String: (source: String?, fingerprint: String?, withdrawn: Bool)] = [:]
        for row in try await session.rows(
            "SELECT id, source, fingerprint, withdrawn_at IS NOT NULL FROM directory_service WHERE id IN \(list: services.map(\.id))") {
            stored[try row[0]] = (try row[1], try row[2], try row[3])
        }
        var writes: [(service: Service, source: String, fingerprint: String)] = []
        for service in services {
            let source = DirectorySources.source(of: service, named: namedSource)
            if namedSource == nil { replacing.insert(source) }
            let fingerprint = DirectorySources.fingerprint(service)
            if let before = stored[service.id], !before.withdrawn {
                if before.fingerprint == fingerprint && before.source == source {
                    changes.unchanged += 1
                    continue
                }
                changes.updated += 1
                if before.source != source {
                    joined[source, default: 0] += 1
                    if let previous = before.source { left[previous, default: 0] += 1 }
                }
            } else {
                changes.added += 1
                joined[source, default: 0] += 1
            }
            writes.append((service, source, fingerprint))
        }
        guard !writes.isEmpty else { return }
        let documents = DirectoryDocuments.encode(writes.map(\.service))
        let rows = zip(writes, documents).map { write, document -> SQLQuery in
            "(\(write.service.id), \(write.service.organizationID), \(snapshot), \(document), \(write.source), \(write.fingerprint))"
        }
        try await session.execute("""
            INSERT INTO directory_service (id, organization_id, snapshot_id, document, source, fingerprint) VALUES \(SQLQuery.joined(rows, separator: ", "))
            ON CONFLICT (id) DO UPDATE SET organization_id = excluded.organization_id, snapshot_id = excluded.snapshot_id,
                document = excluded.document, source = excluded.source, fingerprint = excluded.fingerprint, withdrawn_at = NULL
            """)
    }

    /// The active services of the replaced sources this import does not hold and does not keep, in id
    /// order, source by source; refused (`StoreError.massWithdrawal`) when that is more than the allowed
    /// share of what a source held before. One walk over the stored directory by id, a page at a time.
    /// Refuses an id given twice across pages (within a page it is refused at once); call once every page is stored.
    mutating func finish() throws {
        importing.sort()
        guard zip(importing, importing.dropFirst()).allSatisfy({ $0 != $1 }) else {
            throw StoreError.invalid(field: "id", reason: "a service is given twice in one import")
        }
    }

    private func imports(_ id: String) -> Bool {
        let digest = ServiceIDDigest(id)
        var low = 0, high = importing.count
        while low < high {
            let middle = (low + high) / 2
            if importing[middle] < digest { low = middle + 1 } else { high = middle }
        }
        return low < importing.count && importing[low] == digest
    }

    func withdrawals(_ replacement: DirectoryReplacement, in session: any SQLSession) async throws -> [String] {
        var active: [String: Int] = [:]
        var gone: [String: [String]] = [:]
        var after = ""
        while true {
            let rows = try await session.rows(
                "SELECT id, source FROM directory_service WHERE id > \(after) AND withdrawn_at IS NULL ORDER BY id LIMIT \(Self.walkPage)")
            for row in rows {
                let id: String = try row[0]
                guard let source: String = try row[1], replacing.contains(source) else { continue }
                active[source, default: 0] += 1
                if !imports(id) && !replacement.keeping.contains(id) { gone[source, default: []].append(id) }
            }
            guard let last = rows.last, rows.count == Self.walkPage else { break }
            after = try last[0]
        }
        var withdrawing: [String] = []
        for source in replacing.sorted() {
            let leaving = gone[source] ?? []
            let before = active[source, default: 0] - joined[source, default: 0] + left[source, default: 0]
            guard replacement.permits(withdrawing: leaving.count, of: before) else {
                throw StoreError.massWithdrawal(source: source, withdrawing: leaving.count, active: before,
                                                maxShare: replacement.maxWithdrawalShare)
            }
            withdrawing += leaving
        }
        return withdrawing
    }
}
