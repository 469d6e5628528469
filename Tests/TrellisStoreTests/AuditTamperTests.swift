import Crypto
import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// What is stored must be exactly what was hashed, column by column: an intruder who drops the
/// append-only triggers and changes any column of a record is named by `verify`. And the checkpoints'
/// key and file cannot be quietly removed or replaced.
@Suite struct AuditTamperTests {
    /// Each alteration of record 3, as SQL that both backends run.
    static let alterations: [(column: String, set: String)] = [
        ("sequence", "sequence = 1000"),
        ("at, with text appended", "at = at || '; DROP'"),
        ("at, another spelling of the same instant", "at = replace(at, 'Z', '+00:00')"),
        ("actor", "actor = actor || 'x'"),
        ("action", "action = CASE WHEN action = 'C' THEN 'R' ELSE 'C' END"),
        ("entity", "entity = entity || 'x'"),
        ("entity_id", "entity_id = entity_id || 'x'"),
        ("outcome", "outcome = CASE WHEN outcome = 'success' THEN 'denied' ELSE 'success' END"),
        ("purpose", "purpose = NULL"),
        ("purpose, emptied", "purpose = ''"),
        ("source_address", "source_address = NULL"),
        ("detail", "detail = detail || ' '"),
        ("hash", "hash = (SELECT a.hash FROM audit_event a WHERE a.sequence = 2)"),
    ]

    @Test(arguments: AuditBackend.allCases, alterations.indices)
    func everyColumnOfARecordIsCovered(_ backend: AuditBackend, _ index: Int) async throws {
        let alteration = Self.alterations[index]
        try await AuditHarness.with(backend) { harness, log in
            for i in 1...5 { try await log.append(AuditHarness.entry(i)) }
            #expect(try await log.verify() == .intact(records: 5, checkpoints: 0))
            try await harness.tamper(["UPDATE audit_event SET \(alteration.set) WHERE sequence = 3"])
            guard case .broken(let sequence, let reason) = try await log.verify() else {
                Issue.record("altering \(alteration.column) of record 3 was not detected")
                return
            }
            #expect(sequence == 3, "\(alteration.column): \(reason)")
            #expect(reason.contains("record 3"), "\(alteration.column): \(reason)")
        }
    }

    /// SQLite keeps any type in any column: the same bytes as a blob instead of text are a change too.
    @Test(arguments: ["actor", "at", "detail"])
    func aColumnRetypedInSQLiteIsCovered(_ column: String) async throws {
        try await AuditHarness.with(.sqlite) { harness, log in
            for i in 1...5 { try await log.append(AuditHarness.entry(i)) }
            try await harness.tamper(["UPDATE audit_event SET \(column) = CAST(\(column) AS BLOB) WHERE sequence = 3"])
            guard case .broken(let sequence, let reason) = try await log.verify() else { Issue.record("\(column) as a blob was not detected"); return }
            #expect(sequence == 3 && reason.contains("record 3"))
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aMissingCheckpointFileForALongChainIsAFailure(_ backend: AuditBackend) async throws {
        try await AuditHarness.with(backend, every: 10) { harness, log in
            for i in 1...25 { try await log.append(AuditHarness.entry(i)) }
            #expect(try await log.verify() == .intact(records: 25, checkpoints: 2))
            try FileManager.default.removeItem(atPath: harness.checkpointPath)
            guard case .broken(let sequence, let reason) = try await log.verify() else { Issue.record("not detected"); return }
            #expect(sequence == 10)
            #expect(reason.contains("no signed checkpoint") && reason.contains(harness.checkpointPath))
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aShortChainNeedsNoCheckpointYet(_ backend: AuditBackend) async throws {
        try await AuditHarness.with(backend, every: 10) { _, log in
            for i in 1...9 { try await log.append(AuditHarness.entry(i)) }
            #expect(try await log.verify() == .intact(records: 9, checkpoints: 0))
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aPinnedKeyCatchesAReplacedSigningKey(_ backend: AuditBackend) async throws {
        try await AuditHarness.with(backend, every: 10) { harness, log in
            for i in 1...12 { try await log.append(AuditHarness.entry(i)) }
            #expect(try await log.verify(pinnedKey: harness.key.publicKey) == .intact(records: 12, checkpoints: 1))
            let other = Curve25519.Signing.PrivateKey().publicKey
            guard case .broken(_, let reason) = try await log.verify(pinnedKey: other) else { Issue.record("not detected"); return }
            #expect(reason.contains("not the pinned key") || reason.contains("not signed by the audit key"))
        }
    }

    @Test func aMissingSigningKeyBesideItsCheckpointsIsNotSilentlyReplaced() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("audit-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = folder.appendingPathComponent("audit-signing.key").path
        let checkpoints = folder.appendingPathComponent("checkpoints.jsonl").path
        #expect(try AuditSigningKey.loadOrCreate(at: key, checkpoints: checkpoints).created, "a first start makes a key")
        _ = FileManager.default.createFile(atPath: checkpoints, contents: Data("{\"sequence\":1}\n".utf8))
        #expect(try AuditSigningKey.loadOrCreate(at: key, checkpoints: checkpoints).created == false)
        try FileManager.default.removeItem(atPath: key)
        #expect(throws: AuditSigningKey.Failure.self) { try AuditSigningKey.loadOrCreate(at: key, checkpoints: checkpoints) }
        #expect(!FileManager.default.fileExists(atPath: key))
    }

    @Test func aFingerprintNamesThePublicKey() throws {
        let key = Curve25519.Signing.PrivateKey().publicKey
        let fingerprint = AuditSigningKey.fingerprint(key)
        #expect(fingerprint.hasPrefix("SHA256:") && fingerprint.count == 7 + 64)
        #expect(try AuditSigningKey.publicKey(base64: AuditSigningKey.base64(key)).rawRepresentation == key.rawRepresentation)
        #expect(throws: AuditSigningKey.Failure.self) { try AuditSigningKey.publicKey(base64: "not a key") }
    }
}
