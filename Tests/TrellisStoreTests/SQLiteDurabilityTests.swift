import Foundation
import GRDB
import Testing
@testable import TrellisStore

/// Every commit on SQLite is synced before it is acknowledged: the connection that writes runs with
/// `synchronous = FULL` in WAL mode (GRDB sets NORMAL when it turns WAL on, after the configuration's
/// own set-up, and NORMAL does not sync a commit).
@Suite struct SQLiteDurabilityTests {
    private func withFolder(_ body: (URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-durability-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder)
    }

    @Test func theWriterSyncsEveryCommit() throws {
        try withFolder { folder in
            let database = try SQLiteDatabase(path: folder.appendingPathComponent("trellis.sqlite").path)
            #expect(try database.writerSynchronousLevel() == 2)
            let mode = try database.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
            #expect(mode == "wal")
        }
    }

    @Test func aPoolOpenedAgainStillSyncsEveryCommit() throws {
        try withFolder { folder in
            let path = folder.appendingPathComponent("trellis.sqlite").path
            _ = try SQLiteDatabase.openPool(path: path)
            let pool = try SQLiteDatabase.openPool(path: path)
            let level = try pool.barrierWriteWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
            #expect(level == 2)
        }
    }
}
