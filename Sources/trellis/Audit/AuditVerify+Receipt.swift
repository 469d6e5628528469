import ArgumentParser
import Foundation
import TrellisStore

extension AuditVerify {
    /// `trellis audit verify --receipt FILE`: whether a person's receipt matches the audit trail.
    func verifyReceipt(_ path: String) async throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            Terminal.error("trellis: \(path): cannot read the receipt")
            throw ExitCode.unreadable
        }
        let receipt: ReferralReceipt
        do { receipt = try JSONDecoder().decode(ReferralReceipt.self, from: data) } catch {
            Terminal.error("trellis: \(path): not a receipt (JSON from GET /v1/referrals/{id}/receipt)")
            throw ExitCode.unreadable
        }
        var settings = try store.settings()
        if let checkpoints { settings.checkpointFile = checkpoints }
        let pinned = try publicKey.map { text in
            do { return try AuditSigningKey.publicKey(base64: text) } catch {
                Terminal.error("trellis: --public-key: \(error)")
                throw ExitCode.unreadable
            }
        }
        let context = AuditContext(actor: StoreOptions.actor(by), purpose: "security")
        let verdict = try await store.withStore(settings) { [pinned] in try await $0.verifyReceipt(receipt, pinnedKey: pinned, context: context) }
        switch verdict {
        case .matches:
            print(verdict.sentence.prefix(1).uppercased() + verdict.sentence.dropFirst() + ".")
        case .differs:
            print(verdict.sentence.prefix(1).uppercased() + verdict.sentence.dropFirst() + ".")
            throw ExitCode.someRejected
        }
    }
}
