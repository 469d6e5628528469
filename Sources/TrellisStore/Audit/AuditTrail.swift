public import Crypto
import Foundation
import TrellisCore

/// The audit trail on either backend: append-only (triggers refuse UPDATE and DELETE), hash-chained,
/// verifiable against signed checkpoints kept in a file outside the database. Appenders in every
/// process take turns at the head of the chain.
public final class AuditTrail<Database: StoreDatabase>: AuditLog, Sendable {
    let database: Database
    private let book: AuditCheckpointBook?

    /// A trail on a database whose audit table is migrated (`StoreDatabase.migrateAuditTrail`).
    public init(database: Database, checkpoints book: AuditCheckpointBook?) {
        self.database = database
        self.book = book
    }

    @discardableResult
    public func append(_ entry: AuditEntry) async throws -> SealedAuditRecord {
        let sealed = try await append(contentsOf: [entry])
        guard let record = sealed.first else { throw StoreError.invalid(field: "audit_event", reason: "the record was not appended") }
        return record
    }

    @discardableResult
    public func append(contentsOf entries: [AuditEntry]) async throws -> [SealedAuditRecord] {
        guard !entries.isEmpty else { return [] }
        let sealed = try await database.write { session in try await self.append(entries, in: session) }
        try committed(sealed)
        return sealed
    }

    /// Appends inside the caller's write transaction, so a change and its records commit together; the
    /// caller passes the result to `committed(_:)` once the transaction has committed.
    func append(_ entries: [AuditEntry], in session: any SQLSession) async throws -> [SealedAuditRecord] {
        guard !entries.isEmpty else { return [] }
        if let turn = database.takeTurns(on: "trellis_audit_event") { try await session.execute(turn) }
        var head: (sequence: Int64, hash: Data) = (0, AuditChain.genesis)
        if let row = try await session.firstRow("SELECT sequence, hash FROM audit_event ORDER BY sequence DESC LIMIT 1") {
            head = (try row[0], try row[1])
        }
        var sealed: [SealedAuditRecord] = []
        // 11 parameters a record: 1,000 records a statement stays under both backends' limits.
        for start in stride(from: 0, to: entries.count, by: 1_000) {
            var tuples: [SQLQuery] = []
            for entry in entries[start..<min(start + 1_000, entries.count)] {
                let record = AuditChain.seal(entry.event(sequence: head.sequence + 1), after: head.hash)
                head = (record.event.sequence, record.hash)
                sealed.append(record)
                let e = record.event
                tuples.append("""
                    (\(e.sequence), \(AuditCanonicalForm.timestamp(e.at)), \(e.actor), \(e.action.rawValue), \(e.entity), \(e.entityID),
                     \(e.outcome.rawValue), \(e.purpose), \(e.sourceAddress), \(e.detail), \(record.hash))
                    """)
            }
            try await session.execute("""
                INSERT INTO audit_event (sequence, at, actor, action, entity, entity_id, outcome, purpose, source_address, detail, hash)
                VALUES \(SQLQuery.joined(tuples, separator: ", "))
                """)
        }
        return sealed
    }

    /// Signs the checkpoints that came due in a committed transaction.
    func committed(_ records: [SealedAuditRecord]) throws {
        for record in records { try book?.signIfDue(record) }
    }

    public func checkpoint() async throws {
        guard let book, let head = try await head() else { return }
        try book.signHead(head)
    }

    public func head() async throws -> SealedAuditRecord? {
        try await database.read { session in
            try await session.firstRow("\(unescaped: Self.columns) FROM audit_event ORDER BY sequence DESC LIMIT 1").map(Self.record)
        }
    }

    /// Walks the whole chain in sequence order, a page at a time (the trail may not fit in memory).
    /// The quick walk reads pages by sequence range, two ahead while one is hashed, so reading and
    /// hashing each keep a core busy; it can only prove an intact chain (every record from 1 to the
    /// head, and no other row). Anything else is named by the careful walk, which reads every stored
    /// row in order, whatever its sequence.
    public func verify(pinnedKey: Curve25519.Signing.PublicKey?) async throws -> AuditChain.Verdict {
        let quick = try await quickWalk(pinnedKey: pinnedKey)
        if case .intact(let records, _) = quick, try await storedRecords() == records { return quick }
        return try await carefulWalk(pinnedKey: pinnedKey)
    }

    private func verifier(pinnedKey: Curve25519.Signing.PublicKey?) throws -> AuditChain.Verifier {
        try book?.verifier(pinnedKey: pinnedKey) ?? AuditChain.Verifier(checkpoints: [], publicKey: pinnedKey)
    }

    private func quickWalk(pinnedKey: Curve25519.Signing.PublicKey?) async throws -> AuditChain.Verdict {
        var verifier = try verifier(pinnedKey: pinnedKey)
        let pageSize: Int64 = 2_500, ahead = 2
        var pending: [Task<[SealedAuditRecordRow], any Error>] = []
        let verdict: Result<AuditChain.Verdict, any Error>
        do {
            var nextStart: Int64 = 1
            walking: while true {
                while pending.count < ahead {
                    let start = nextStart
                    pending.append(Task { try await verificationPage("sequence >= \(start) AND sequence < \(start + pageSize)", limit: Int(pageSize)) })
                    nextStart += pageSize
                }
                let page = try await pending.removeFirst().value
                if let found = check(page, with: &verifier) {
                    verdict = .success(found)
                    break walking
                }
                if page.count < pageSize {
                    verdict = .success(verifier.finish())
                    break walking
                }
            }
        } catch {
            verdict = .failure(error)
        }
        // The pages read ahead are over before the walk returns: a command that exits on the verdict
        // must not end the process under a read still in SQLite (it crashed on exit doing so).
        for task in pending {
            task.cancel()
            _ = try? await task.value
        }
        return try verdict.get()
    }

    private func carefulWalk(pinnedKey: Curve25519.Signing.PublicKey?) async throws -> AuditChain.Verdict {
        var verifier = try verifier(pinnedKey: pinnedKey)
        var after: Int64 = .min
        while true {
            let page = try await verificationPage("sequence > \(after)", limit: 5_000)
            if let verdict = check(page, with: &verifier) { return verdict }
            guard case .record(let last, _)? = page.last, page.count == 5_000 else { return verifier.finish() }
            after = last.event.sequence
        }
    }

    /// Checks a page's records in order; the verdict once one does not hold or cannot be read.
    private func check(_ page: [SealedAuditRecordRow], with verifier: inout AuditChain.Verifier) -> AuditChain.Verdict? {
        for row in page {
            switch row {
            case .unreadable(let unreadable): return unreadable.verdict
            case .record(let record, let at): if let broken = verifier.check(record, storedAt: at) { return broken }
            }
        }
        return nil
    }

    private func storedRecords() async throws -> Int {
        try await database.read { session in try await session.firstRow("SELECT count(*) FROM audit_event").map { try $0[0] } ?? 0 }
    }

    /// A stored row read for verification: the record, or why it cannot be read (which is reported
    /// where it stands in the chain, after the records before it are checked).
    enum SealedAuditRecordRow: Sendable {
        /// The record, with its time as stored (its canonical text, as reading it checked).
        case record(SealedAuditRecord, at: String)
        case unreadable(UnreadableAuditRecord)
    }

    private func verificationPage(_ condition: SQLQuery, limit: Int) async throws -> [SealedAuditRecordRow] {
        try await database.read { session in
            try await session.rows("\(unescaped: Self.columns) FROM audit_event WHERE \(condition) ORDER BY sequence LIMIT \(limit)")
                .map { row in
                    do {
                        let read = try Self.recordAndStoredTime(row)
                        return .record(read.record, at: read.at)
                    } catch let unreadable as UnreadableAuditRecord { return .unreadable(unreadable) }
                }
        }
    }

    public func records(after sequence: Int64, limit: Int) async throws -> [SealedAuditRecord] {
        try await database.read { session in
            try await session.rows("\(unescaped: Self.columns) FROM audit_event WHERE sequence > \(sequence) ORDER BY sequence LIMIT \(limit)")
                .map(Self.record)
        }
    }

    private static var columns: String { "SELECT sequence, at, actor, action, entity, entity_id, outcome, purpose, source_address, detail, hash" }

    /// A stored row as a sealed record. What is stored must be what was written, type and all: a row
    /// that reads otherwise (a blob where text was written, say) was altered, and is reported so.
    static func record(_ row: any SQLRow) throws -> SealedAuditRecord { try recordAndStoredTime(row).record }

    /// The record and its time as stored (checked to be the time's canonical text), for a walk that
    /// hashes the stored text instead of writing the time again.
    static func recordAndStoredTime(_ row: any SQLRow) throws -> (record: SealedAuditRecord, at: String) {
        guard let sequence = try? row.integer(0) else { throw UnreadableAuditRecord(sequence: -1) }
        do {
            let at: String = try row[1]
            let record = try SealedAuditRecord.stored(sequence: sequence, at: at, actor: row[2], action: row[3], entity: row[4], entityID: row[5],
                                                      outcome: row[6], purpose: row[7], sourceAddress: row[8], detail: row[9], hash: row[10])
            return (record, at)
        } catch {
            throw UnreadableAuditRecord(sequence: sequence)
        }
    }
}
