import Foundation
import Testing
import TrellisCore
@testable import TrellisStore

/// The audit-log contract, on every backend.
@Suite struct AuditLogContractTests {
    @Test(arguments: AuditBackend.allCases)
    func appendsChainAndVerify(_ backend: AuditBackend) async throws {
        try await AuditHarness.with(backend) { _, log in
            for i in 1...250 { try await log.append(AuditHarness.entry(i)) }
            try await log.checkpoint()
            #expect(try await log.verify() == .intact(records: 250, checkpoints: 3))
            #expect(try await log.head()?.event.sequence == 250)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func triggersRefuseUpdateAndDelete(_ backend: AuditBackend) async throws {
        try await AuditHarness.with(backend) { harness, log in
            for i in 1...3 { try await log.append(AuditHarness.entry(i)) }
            await #expect(throws: (any Error).self) { try await harness.attempt("UPDATE audit_event SET actor = 'x' WHERE sequence = 2") }
            await #expect(throws: (any Error).self) { try await harness.attempt("DELETE FROM audit_event WHERE sequence = 2") }
            #expect(try await log.verify() == .intact(records: 3, checkpoints: 0))
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func anUpdateBehindTheTriggersIsFound(_ backend: AuditBackend) async throws {
        try await AuditHarness.with(backend) { harness, log in
            for i in 1...120 { try await log.append(AuditHarness.entry(i)) }
            try await harness.tamper(["UPDATE audit_event SET entity_id = 'R-other' WHERE sequence = 42"])
            guard case .broken(let sequence, _) = try await log.verify() else { Issue.record("not detected"); return }
            #expect(sequence == 42)
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aDeleteBehindTheTriggersIsFound(_ backend: AuditBackend) async throws {
        try await AuditHarness.with(backend) { harness, log in
            for i in 1...120 { try await log.append(AuditHarness.entry(i)) }
            try await harness.tamper(["DELETE FROM audit_event WHERE sequence = 77"])
            guard case .broken(let sequence, let reason) = try await log.verify() else { Issue.record("not detected"); return }
            #expect(sequence == 77)
            #expect(reason.contains("record 77 is missing"))
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func aChainRewrittenInTheDatabaseFailsAgainstTheCheckpointFile(_ backend: AuditBackend) async throws {
        try await AuditHarness.with(backend, every: 50) { harness, log in
            var sealed: [SealedAuditRecord] = []
            for i in 1...120 { sealed.append(try await log.append(AuditHarness.entry(i))) }
            // Rewrite every record from 10 on with a changed actor and fresh, consistent hashes.
            var previous = sealed[8].hash
            var statements: [String] = []
            for record in sealed[9...] {
                var event = record.event
                event.actor = "cw-cover-up"
                let rewritten = AuditChain.seal(event, after: previous)
                previous = rewritten.hash
                statements.append("UPDATE audit_event SET actor = 'cw-cover-up', hash = \(harness.bytesLiteral(rewritten.hashHex)) WHERE sequence = \(event.sequence)")
            }
            try await harness.tamper(statements)
            let unsigned = try await harness.open(signed: false)
            #expect(try await unsigned.verify() == .intact(records: 120, checkpoints: 0), "the chain alone cannot tell")
            guard case .broken(let sequence, let reason) = try await log.verify() else { Issue.record("not detected"); return }
            #expect(sequence == 50)
            #expect(reason.contains("the chain was rewritten"))
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func concurrentAppendsKeepOneChain(_ backend: AuditBackend) async throws {
        try await AuditHarness.with(backend) { _, log in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<8 {
                    group.addTask { for i in 0..<40 { try await log.append(AuditHarness.entry(worker * 1_000 + i)) } }
                }
                try await group.waitForAll()
            }
            #expect(try await log.verify() == .intact(records: 320, checkpoints: 3))
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func theChainContinuesAfterReopening(_ backend: AuditBackend) async throws {
        try await AuditHarness.with(backend) { harness, log in
            for i in 1...30 { try await log.append(AuditHarness.entry(i)) }
            try await log.checkpoint()
            let reopened = try await harness.open()
            for i in 31...60 { try await reopened.append(AuditHarness.entry(i)) }
            try await reopened.checkpoint()
            #expect(try await reopened.verify() == .intact(records: 60, checkpoints: 2))
        }
    }

    @Test(arguments: AuditBackend.allCases)
    func theCheckpointFileIsForItsOwnerOnly(_ backend: AuditBackend) async throws {
        try await AuditHarness.with(backend, every: 1) { harness, log in
            try await log.append(AuditHarness.entry(1))
            let attributes = try FileManager.default.attributesOfItem(atPath: harness.checkpointPath)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }
    }
}
