import Crypto
import Foundation
import GRDB
import TrellisCore
import TrellisStore

/// The audit log on SQLite: appends per second (one transaction each, as the server makes them)
/// and `verify` over the whole chain with its signed checkpoints.
struct AuditBenchmark {
    let records: Int

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-bench-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pool = try DatabasePool(path: folder.appendingPathComponent("audit.sqlite").path)
        let book = AuditCheckpointBook(path: folder.appendingPathComponent("checkpoints.jsonl").path,
                                       key: Curve25519.Signing.PrivateKey(), every: 1_000)
        let log = try SQLiteAuditLog(database: pool, checkpoints: book)
        let clock = ContinuousClock()
        let start = clock.now
        for i in 0..<records {
            try await log.append(AuditEntry(at: Date(), actor: "cw-\(i % 50)", action: .update, entity: "referral",
                                            entityID: "R-\(i / 4)", purpose: "treatment", sourceAddress: "127.0.0.1",
                                            detail: "status requested→accepted"))
        }
        try await log.checkpoint()
        let appendSeconds = Self.seconds(clock.now - start)
        Figures.emit(["bench": "audit_append", "backend": "sqlite", "records": records, "wall_s": Figures.round(appendSeconds),
                      "per_s": Int(Double(records) / appendSeconds)])
        var verdict: AuditChain.Verdict? = nil
        let verify = try await clock.measure { verdict = try await log.verify() }
        let verifySeconds = Self.seconds(verify)
        Figures.emit(["bench": "audit_verify", "backend": "sqlite", "records": records, "wall_s": Figures.round(verifySeconds),
                      "intact": verdict == .intact(records: records, checkpoints: records / 1_000 + 1),
                      "target_wall_s": 2, "met": verifySeconds <= 2])
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}
