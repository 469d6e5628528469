import Crypto
import Foundation
import GRDB
import Testing
import TrellisCore
@testable import TrellisStore

/// A fresh database file and checkpoint file in their own folder.
struct AuditLogFixture {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString)")
    let key = Curve25519.Signing.PrivateKey()
    var databasePath: String { folder.appendingPathComponent("trellis.sqlite").path }
    var checkpointPath: String { folder.appendingPathComponent("audit-checkpoints.jsonl").path }

    init() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func open(every: Int64 = 100) throws -> (SQLiteAuditLog, DatabasePool) {
        let pool = try DatabasePool(path: databasePath)
        let log = try SQLiteAuditLog(database: pool, checkpoints: AuditCheckpointBook(path: checkpointPath, key: key, every: every))
        return (log, pool)
    }

    static func entry(_ i: Int) -> AuditEntry {
        AuditEntry(at: Date(timeIntervalSince1970: 1_795_000_000 + Double(i) * 0.731), actor: "cw-\(i % 5)",
                   action: AuditEvent.Action.allCases[i % 5], entity: "referral", entityID: "R-\(i)",
                   purpose: "treatment", sourceAddress: "127.0.0.1", detail: "status change \(i)")
    }

    /// What someone with the database file and no respect for Trellis can do.
    static func tamper(_ pool: DatabasePool, _ sql: String) throws {
        try pool.write { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS audit_event_no_update; DROP TRIGGER IF EXISTS audit_event_no_delete")
            try db.execute(sql: sql)
        }
    }
}

@Suite struct SQLiteAuditLogTests {
    @Test func appendsChainAndVerify() async throws {
        let fixture = try AuditLogFixture()
        let (log, _) = try fixture.open()
        for i in 1...250 { try await log.append(AuditLogFixture.entry(i)) }
        try await log.checkpoint()
        #expect(try await log.verify() == .intact(records: 250, checkpoints: 3))
        #expect(try await log.head()?.event.sequence == 250)
    }

    @Test func triggersRefuseUpdateAndDelete() async throws {
        let fixture = try AuditLogFixture()
        let (log, pool) = try fixture.open()
        for i in 1...3 { try await log.append(AuditLogFixture.entry(i)) }
        #expect(throws: DatabaseError.self) { try pool.write { try $0.execute(sql: "UPDATE audit_event SET actor = 'x' WHERE sequence = 2") } }
        #expect(throws: DatabaseError.self) { try pool.write { try $0.execute(sql: "DELETE FROM audit_event WHERE sequence = 2") } }
        #expect(try await log.verify() == .intact(records: 3, checkpoints: 0))
    }

    @Test func anUpdateBehindTheTriggersIsFound() async throws {
        let fixture = try AuditLogFixture()
        let (log, pool) = try fixture.open()
        for i in 1...120 { try await log.append(AuditLogFixture.entry(i)) }
        try AuditLogFixture.tamper(pool, "UPDATE audit_event SET entity_id = 'R-other' WHERE sequence = 42")
        guard case .broken(let sequence, _) = try await log.verify() else { Issue.record("not detected"); return }
        #expect(sequence == 42)
    }

    @Test func aDeleteBehindTheTriggersIsFound() async throws {
        let fixture = try AuditLogFixture()
        let (log, pool) = try fixture.open()
        for i in 1...120 { try await log.append(AuditLogFixture.entry(i)) }
        try AuditLogFixture.tamper(pool, "DELETE FROM audit_event WHERE sequence = 77")
        guard case .broken(let sequence, let reason) = try await log.verify() else { Issue.record("not detected"); return }
        #expect(sequence == 77)
        #expect(reason.contains("record 77 is missing"))
    }

    @Test func aChainRewrittenInTheDatabaseFailsAgainstTheCheckpointFile() async throws {
        let fixture = try AuditLogFixture()
        let (log, pool) = try fixture.open(every: 50)
        for i in 1...120 { try await log.append(AuditLogFixture.entry(i)) }
        // Rewrite every record from 10 on with a changed actor and fresh, consistent hashes.
        let records = try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM audit_event ORDER BY sequence").map(SQLiteAuditLog.record) }
        var previous = records[8].hash
        var statements: [String] = []
        for record in records[9...] {
            var event = record.event
            event.actor = "cw-cover-up"
            let sealed = AuditChain.seal(event, after: previous)
            previous = sealed.hash
            statements.append("UPDATE audit_event SET actor = 'cw-cover-up', hash = X'\(sealed.hashHex)' WHERE sequence = \(event.sequence)")
        }
        try AuditLogFixture.tamper(pool, statements.joined(separator: ";"))
        let unsigned = try SQLiteAuditLog(database: pool, checkpoints: nil)
        #expect(try await unsigned.verify() == .intact(records: 120, checkpoints: 0), "the chain alone cannot tell")
        guard case .broken(let sequence, let reason) = try await log.verify() else { Issue.record("not detected"); return }
        #expect(sequence == 50)
        #expect(reason.contains("the chain was rewritten"))
    }

    @Test func concurrentAppendsKeepOneChain() async throws {
        let fixture = try AuditLogFixture()
        let (log, _) = try fixture.open()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask { for i in 0..<40 { try await log.append(AuditLogFixture.entry(worker * 1_000 + i)) } }
            }
            try await group.waitForAll()
        }
        #expect(try await log.verify() == .intact(records: 320, checkpoints: 3))
    }

    @Test func theChainContinuesAfterReopening() async throws {
        let fixture = try AuditLogFixture()
        do {
            let (log, _) = try fixture.open()
            for i in 1...30 { try await log.append(AuditLogFixture.entry(i)) }
            try await log.checkpoint()
        }
        let (log, _) = try fixture.open()
        for i in 31...60 { try await log.append(AuditLogFixture.entry(i)) }
        try await log.checkpoint()
        #expect(try await log.verify() == .intact(records: 60, checkpoints: 2))
    }

    @Test func theCheckpointFileIsForItsOwnerOnly() async throws {
        let fixture = try AuditLogFixture()
        let (log, _) = try fixture.open(every: 1)
        try await log.append(AuditLogFixture.entry(1))
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.checkpointPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }
}
