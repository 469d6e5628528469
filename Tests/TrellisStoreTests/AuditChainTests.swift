import Crypto
import Foundation
import PropertyBased
import Testing
import TrellisCore
@testable import TrellisStore

/// A chain of `count` sealed events, with signed checkpoints every `every` records and at the end.
struct TestChain {
    var records: [SealedAuditRecord] = []
    var checkpoints: [AuditCheckpoint] = []
    let key = Curve25519.Signing.PrivateKey()

    init(count: Int, checkpointEvery every: Int = 50) throws {
        var previous = AuditChain.genesis
        let start = Date(timeIntervalSince1970: 1_795_000_000.123)
        for i in 1...count {
            let event = AuditEvent(sequence: Int64(i), at: start.addingTimeInterval(Double(i) * 1.5), actor: "cw-\(i % 7)",
                                   action: AuditEvent.Action.allCases[i % 5], entity: ["referral", "person", "consent"][i % 3],
                                   entityID: "R-\(i)", purpose: "treatment", sourceAddress: "127.0.0.1",
                                   detail: i % 4 == 0 ? "status requested→accepted" : nil)
            let sealed = AuditChain.seal(event, after: previous)
            records.append(sealed)
            previous = sealed.hash
            if i % every == 0 || i == count {
                checkpoints.append(try AuditCheckpoint(signing: sealed, at: start.addingTimeInterval(Double(i) * 1.5 + 0.25), with: key))
            }
        }
    }

    func verify(_ records: [SealedAuditRecord]? = nil, checkpoints: [AuditCheckpoint]? = nil) -> AuditChain.Verdict {
        AuditChain.verify(records ?? self.records, checkpoints: checkpoints ?? self.checkpoints, publicKey: key.publicKey)
    }
}

@Suite struct AuditChainTests {
    @Test func anIntactChainVerifies() throws {
        let chain = try TestChain(count: 200)
        #expect(chain.verify() == .intact(records: 200, checkpoints: 4))
        #expect(AuditChain.verify(chain.records) == .intact(records: 200, checkpoints: 0))
    }

    @Test func hashesArePinnedToTheCanonicalForm() {
        let event = AuditEvent(sequence: 1, at: Date(timeIntervalSince1970: 0), actor: "system", action: .execute,
                               entity: "directory", entityID: "riverbend")
        #expect(String(decoding: AuditCanonicalForm.bytes(of: event), as: UTF8.self)
                == #"{"action":"E","actor":"system","at":"1970-01-01T00:00:00.000Z","entity":"directory","entity_id":"riverbend","outcome":"success","sequence":1}"#)
    }

    @Test func timesSurviveRoundTripsToTheMillisecond() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...4_000_000_000_000)) { ms in
            let date = Date(timeIntervalSince1970: Double(ms) / 1000)
            let text = AuditCanonicalForm.timestamp(date)
            let back = try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
            #expect(AuditCanonicalForm.timestamp(back) == text)
        }
        #expect(AuditCanonicalForm.timestamp(Date(timeIntervalSince1970: 1_795_000_015.373)) == "2026-11-18T11:06:55.373Z")
    }

    @Test func anAlteredRecordIsNamed() throws {
        let chain = try TestChain(count: 120)
        var records = chain.records
        records[36].event.detail = "status requested→rejected"
        #expect(chain.verify(records) == .broken(sequence: 37, reason: "record 37 does not match its hash: it was altered, or a record before it was removed, inserted or reordered"))
    }

    @Test func aRemovedRecordIsNamed() throws {
        let chain = try TestChain(count: 120)
        var records = chain.records
        records.remove(at: 36)
        guard case .broken(let sequence, let reason) = chain.verify(records) else { Issue.record("not detected"); return }
        #expect(sequence == 37)
        #expect(reason.contains("record 37 is missing"))
    }

    @Test func anInsertedRecordIsNamed() throws {
        let chain = try TestChain(count: 120)
        var records = chain.records
        let forged = AuditChain.seal(AuditEvent(sequence: 11, at: Date(), actor: "intruder", action: .read, entity: "person", entityID: "P-1"),
                                     after: records[9].hash)
        records.insert(forged, at: 10)
        guard case .broken(let sequence, _) = chain.verify(records) else { Issue.record("not detected"); return }
        #expect(sequence == 11)
    }

    @Test func reorderedRecordsAreNamed() throws {
        let chain = try TestChain(count: 120)
        var records = chain.records
        records.swapAt(19, 20)
        guard case .broken(let sequence, let reason) = chain.verify(records) else { Issue.record("not detected"); return }
        #expect(sequence == 20)
        #expect(reason.contains("record 20"))
    }

    /// Someone with the database drops the triggers, changes a record and recomputes every hash
    /// after it: the chain is consistent again, but no longer what was signed.
    @Test func aChainRewrittenWholeFailsAgainstTheCheckpoints() throws {
        let chain = try TestChain(count: 120)
        var records = chain.records
        records[29].event.actor = "cw-cover-up"
        var previous = records[28].hash
        for i in 29..<records.count {
            records[i] = AuditChain.seal(records[i].event, after: previous)
            previous = records[i].hash
        }
        #expect(AuditChain.verify(records) == .intact(records: 120, checkpoints: 0), "a chain alone cannot tell")
        guard case .broken(let sequence, let reason) = chain.verify(records) else { Issue.record("not detected"); return }
        #expect(sequence == 50)
        #expect(reason.contains("the chain was rewritten"))
    }

    @Test func removingTheTailIsCaughtByTheShutdownCheckpoint() throws {
        let chain = try TestChain(count: 120)
        guard case .broken(let sequence, let reason) = chain.verify(Array(chain.records.prefix(115))) else { Issue.record("not detected"); return }
        #expect(sequence == 116)
        #expect(reason.contains("records were removed"))
    }

    @Test func aCheckpointSignedWithAnotherKeyIsRefused() throws {
        let chain = try TestChain(count: 60)
        let forged = try AuditCheckpoint(signing: chain.records[59], at: Date(), with: Curve25519.Signing.PrivateKey())
        guard case .broken(_, let reason) = chain.verify(checkpoints: chain.checkpoints + [forged]) else { Issue.record("not detected"); return }
        #expect(reason.contains("not signed by the audit key"))
    }

    @Test func checkpointsSurviveTheirFile() throws {
        let chain = try TestChain(count: 100, checkpointEvery: 10)
        let file = chain.checkpoints.map(\.jsonLine).joined(separator: "\n") + "\n"
        let read = try AuditCheckpoint.read(jsonLines: file)
        #expect(read.map(\.jsonLine) == chain.checkpoints.map(\.jsonLine))
        #expect(chain.verify(checkpoints: read) == .intact(records: 100, checkpoints: 10))
        #expect(throws: AuditCheckpointFileError.self) { try AuditCheckpoint.read(jsonLines: file + "{\"sequence\": \n") }
    }

    /// Any change to any field of any record is found, at that record.
    @Test func everySingleChangeIsFoundWhereItIs() async throws {
        let chain = try TestChain(count: 80)
        await propertyCheck(count: 100, input: Gen.int(in: 0...79), Gen.int(in: 0...5)) { position, field in
            var records = chain.records
            switch field {
            case 0: records[position].event.actor += "x"
            case 1: records[position].event.entityID += "x"
            case 2: records[position].event.at.addTimeInterval(0.001)
            case 3: records[position].event.outcome = records[position].event.outcome == .success ? .denied : .success
            case 4: records[position].event.action = records[position].event.action == .read ? .update : .read
            default: records[position].event.purpose = "marketing"
            }
            #expect(chain.verify(records) == .broken(sequence: Int64(position + 1),
                                                     reason: "record \(position + 1) does not match its hash: it was altered, or a record before it was removed, inserted or reordered"))
        }
    }

    @Test func theSigningKeyIsCreatedOnceForItsOwnerOnly() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString)/audit.key").path
        let (key, created) = try AuditSigningKey.loadOrCreate(at: path)
        #expect(created)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let (again, createdAgain) = try AuditSigningKey.loadOrCreate(at: path)
        #expect(!createdAgain)
        #expect(again.rawRepresentation == key.rawRepresentation)
    }
}
