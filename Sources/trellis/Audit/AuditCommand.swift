import ArgumentParser
import Foundation
import TrellisStore

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check and export the tamper-evident audit trail.",
        subcommands: [AuditVerify.self, AuditExport.self])
}

struct AuditVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Walk the audit chain and check it against the signed checkpoints.",
        discussion: """
        Exit status 0 with the record count when the chain is intact; 1 naming the first bad record when any \
        record was altered, removed, inserted or reordered, or the chain was rewritten since a checkpoint; 2 when \
        the database or checkpoints cannot be read. A missing signing key beside its checkpoint file, or a missing \
        checkpoint file for a chain longer than one checkpoint interval, is a failure (1), not a fresh start.

        With --receipt FILE, checks a person's receipt instead: the audit records it cites exist with the same \
        content and hashes, the chain is intact up to the checkpoint it cites, and that checkpoint's signature \
        verifies. Exit status 0 with a sentence when it matches, 1 with a sentence naming what differs, 2 when the \
        file cannot be read. Reading the receipt is itself audited.

        With --public-key, the checkpoints must be signed by that key (the one `trellis serve` prints at start, \
        recorded where the database's administrators cannot change it), so a replaced signing key is caught.
        """)

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The checkpoint file (default: beside the database, or audit.checkpoint_file in the settings).", valueName: "file"))
    var checkpoints: String?

    @Option(name: .customLong("public-key"), help: ArgumentHelp("The pinned audit public key: base64, as `trellis serve` prints it.", valueName: "key"))
    var publicKey: String?

    @Flag(help: "Print JSON: {\"intact\", \"records\", \"checkpoints\"} or {\"intact\": false, \"sequence\", \"reason\"}.")
    var json = false

    @Option(help: ArgumentHelp("Check a person's receipt (JSON, from GET /v1/referrals/{id}/receipt) against the audit trail instead.",
                               valueName: "file"))
    var receipt: String?

    @Option(help: ArgumentHelp("Who reads the receipt, for the audit trail (default: cli:$USER).", valueName: "actor"))
    var by: String?

    func run() async throws {
        if let receipt { return try await verifyReceipt(receipt) }
        var settings = try store.settings()
        if let checkpoints {
            guard FileManager.default.fileExists(atPath: checkpoints) else {
                Terminal.error("trellis: \(checkpoints): no such checkpoint file")
                throw ExitCode.unreadable
            }
            settings.checkpointFile = checkpoints
        }
        let pinned = try publicKey.map { text in
            do { return try AuditSigningKey.publicKey(base64: text) } catch {
                Terminal.error("trellis: --public-key: \(error)")
                throw ExitCode.unreadable
            }
        }
        let verdict: AuditChain.Verdict
        if let missing = Self.missingSigningKey(settings) {
            // Opening would refuse to make a new key; that is the verdict, not an unreadable database.
            verdict = .broken(sequence: 1, reason: missing)
        } else {
            verdict = try await store.withStore(settings) { [pinned] in try await $0.audit.verify(pinnedKey: pinned) }
        }
        switch verdict {
        case .intact(let records, let signed):
            if json {
                print(#"{"checkpoints":\#(signed),"intact":true,"records":\#(records)}"#)
            } else {
                print("audit chain intact: \(records) records, \(signed) signed checkpoints")
            }
        case .broken(let sequence, let reason):
            if json {
                let object: [String: Any] = ["intact": false, "sequence": sequence, "reason": reason]
                print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            } else {
                print("audit chain broken at record \(sequence): \(reason)")
            }
            throw ExitCode.someRejected
        }
    }
}

extension AuditVerify {
    /// Why verification fails before it starts: the signing key is gone but checkpoints it signed remain.
    static func missingSigningKey(_ settings: StoreSettings) -> String? {
        let manager = FileManager.default
        let key = settings.resolvedSigningKeyFile, checkpoints = settings.resolvedCheckpointFile
        guard !manager.fileExists(atPath: key), manager.contents(atPath: checkpoints)?.isEmpty == false else { return nil }
        return "the audit signing key \(key) is missing but its checkpoint file \(checkpoints) exists: the key was removed or replaced; restore it from its backup"
    }
}

struct AuditExport: AsyncParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case fhir }

    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the audit trail as FHIR R4 AuditEvent resources, one JSON object per line.")

    @OptionGroup var store: StoreOptions

    @Option(help: "The format (fhir: FHIR R4 AuditEvent).")
    var format: Format = .fhir

    @Option(help: ArgumentHelp("Only records after this sequence number.", valueName: "n"))
    var after: Int64 = 0

    func run() async throws {
        let output = FileHandle.standardOutput
        var progress = Progress("exported", unit: "records")
        var count = 0
        try await store.withStore { store in
            var last = after
            while true {
                let page = try await store.audit.records(after: last, limit: 2_000)
                guard let tail = page.last else { break }
                var text = ""
                for record in page {
                    text += try FHIRAuditEvent.jsonLine(record) + "\n"
                    count += 1
                    progress.update(count)
                }
                output.write(Data(text.utf8))
                last = tail.event.sequence
            }
        }
        progress.finish()
    }
}
