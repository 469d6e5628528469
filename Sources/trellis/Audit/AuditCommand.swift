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
        the database or checkpoints cannot be read.
        """)

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The checkpoint file (default: beside the database, or audit.checkpoint_file in the settings).", valueName: "file"))
    var checkpoints: String?

    @Flag(help: "Print JSON: {\"intact\", \"records\", \"checkpoints\"} or {\"intact\": false, \"sequence\", \"reason\"}.")
    var json = false

    func run() async throws {
        var settings = try store.settings()
        if let checkpoints {
            guard FileManager.default.fileExists(atPath: checkpoints) else {
                Terminal.error("trellis: \(checkpoints): no such checkpoint file")
                throw ExitCode.unreadable
            }
            settings.checkpointFile = checkpoints
        }
        let verdict = try await store.withStore(settings) { try await $0.audit.verify() }
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
