import Foundation
import GRDB
import Synchronization
import Testing
import TrellisCore
@testable import TrellisStore

/// The verification walk reads pages ahead; when it stops early (a broken record) the reads it started
/// must be over before it returns. `trellis audit verify` exits on the verdict, and a read still in
/// SQLite at exit crashed the process (status 11 instead of 1, seen once in CI).
@Suite struct AuditWalkTests {
    @Test func aWalkThatStopsEarlyLeavesNoReadRunning() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("walk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pool = try SQLiteDatabase.openPool(path: folder.appendingPathComponent("trellis.sqlite").path)
        let database = ReadsInFlight(SQLiteDatabase(pool: pool), slowFrom: 2_501)
        try await database.migrateAuditTrail()
        let trail = AuditTrail(database: database, checkpoints: nil)
        for i in 1...5 { try await trail.append(AuditHarness.entry(i)) }
        try await pool.write { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS audit_event_no_update; UPDATE audit_event SET actor = actor || 'x' WHERE sequence = 3")
        }

        guard case .broken(let sequence, _) = try await trail.verify(pinnedKey: nil) else {
            Issue.record("the altered record was not found")
            return
        }
        #expect(sequence == 3)
        // The second page's read (records 2,501 on) was started ahead and held back; it is over.
        #expect(database.running == 0)
        #expect(database.startedSlow >= 1, "the walk read ahead, as this test assumes")
        try pool.close()
    }
}

/// A database that counts the reads running, and holds back a read of the page that starts at
/// `slowFrom` for 3 s, as a slow disk would.
final class ReadsInFlight<Base: StoreDatabase>: StoreDatabase {
    let base: Base
    let slowFrom: Int64
    private let counts = Mutex<(running: Int, startedSlow: Int)>((0, 0))

    init(_ base: Base, slowFrom: Int64) {
        self.base = base
        self.slowFrom = slowFrom
    }

    var running: Int { counts.withLock { $0.running } }
    var startedSlow: Int { counts.withLock { $0.startedSlow } }

    func read<T: Sendable>(_ body: (any SQLSession) async throws -> T) async throws -> T {
        counts.withLock { $0.running += 1 }
        defer { counts.withLock { $0.running -= 1 } }
        return try await base.read { session in try await body(SlowPage(base: session, owner: self)) }
    }

    func noteSlow() { counts.withLock { $0.startedSlow += 1 } }

    func write<T: Sendable>(_ body: (any SQLSession) async throws -> T) async throws -> T { try await base.write(body) }
    func takeTurns(on key: String) -> SQLQuery? { base.takeTurns(on: key) }
    var skipLockedRows: String { base.skipLockedRows }
    func reclaimLog() async { await base.reclaimLog() }
    func migrateAuditTrail() async throws { try await base.migrateAuditTrail() }
    func close() async throws { try await base.close() }

    struct SlowPage: SQLSession {
        let base: any SQLSession
        let owner: ReadsInFlight

        func rows(_ query: SQLQuery) async throws -> [any SQLRow] {
            let (_, values) = query.render { _ in "?" }
            if case .integer(let from)? = values.first, from == owner.slowFrom {  // `sequence >= from AND …`
                // Like a read inside SQLite, it does not end when its task is cancelled.
                owner.noteSlow()
                let until = ContinuousClock.now + .seconds(3)
                while ContinuousClock.now < until { try? await Task.sleep(until: until) }
            }
            return try await base.rows(query)
        }

        func execute(_ query: SQLQuery) async throws { try await base.execute(query) }
    }
}
