import ArgumentParser
import Foundation
import TrellisCore
import TrellisDirectory
import TrellisStore

struct DirectoryImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Read directory files into one directory and report what it holds per need domain.",
        discussion: """
        Records are merged by source and record key: a later file's copy of a record replaces the earlier \
        one. With --db (or $TRELLIS_DB) the services are also stored, replacing stored copies with the same \
        id, so referrals can name them and a server restarts without the files; rejected records are reported \
        and the rest stored. Storing reads the files a second time and stores them a page at a time in one \
        transaction, so an import of any size holds little memory; files that change between the two readings \
        are refused and nothing is stored. Every import names its source (--source, default: each record's provider id); with \
        --replace-source the source's stored services these files no longer hold are withdrawn: never matched or \
        searched again, still shown for referrals that name them. An import that would withdraw more than \
        --max-withdrawal-share (20 %) of the source is refused unless --allow-mass-withdrawal. Exit status as for \
        validate; 1 when a withdrawal is refused.
        """)

    @Argument(help: ArgumentHelp("AIRS XML or HSDS JSON files.", valueName: "file"))
    var files: [String]

    @Flag(help: "Print validate's JSON report with a `domains` count added (and `stored` with --db).")
    var json = false

    @OptionGroup var reading: DirectoryReadingOptions

    @OptionGroup var store: StoreOptions

    @OptionGroup var replacement: DirectoryReplacementOptions

    @Option(help: ArgumentHelp("Who is importing, for the audit trail (default: cli:$USER).", valueName: "user"))
    var by: String?

    private var storing: Bool { store.db != nil || ProcessInfo.processInfo.environment["TRELLIS_DB"]?.nonBlank != nil }

    func run() async throws {
        let run = try DirectoryRun.prepare(reading)
        // Only counts and ids: to store, the files are read again and streamed (`RereadPages`).
        var merged = DirectoryImport(keepsServices: false)
        let reports = run.read(files, into: &merged)
        var report = ReadingReport(reports, merged: merged)
        let (serviceCount, duplicates, domainCounts, lastCopies) = (merged.serviceCount, merged.duplicates, merged.domainCounts, merged.lastCopies)
        merged = DirectoryImport(keepsServices: false)  // its id digests are not needed while storing (a million of them)
        if replacement.replaceSource && !storing {
            Terminal.error("trellis: --replace-source needs a database (--db or $TRELLIS_DB)")
            throw ExitCode.validationFailure
        }
        if replacement.replaceSource && reports.contains(where: { $0.fatal != nil }) {
            // An unreadable file would look like a source whose services all vanished.
            Terminal.error("trellis: not stored: a file could not be read, and --replace-source would withdraw what it holds")
            throw ExitCode.unreadable
        }
        if storing {
            let settings = try store.settings()
            let context = AuditContext(actor: StoreOptions.actor(by), purpose: "operations")
            let pages = RereadPages(files: files, reader: run.reader, lastCopies: lastCopies, expected: serviceCount)
            let snapshot = try await store.withStore(settings) { store in
                var kept = replacement.replacement
                kept.keeping = reports.reduce(into: Set<String>()) { $0.formUnion($1.rejectedServiceIDs) }
                return try await store.storeDirectory(pages: pages, files: files, source: replacement.source, replacement: kept, context: context)
            }
            let changes = snapshot.changes ?? DirectoryChanges()
            report.stored = .init(database: settings.location.description, snapshot: snapshot.id, services: snapshot.serviceCount,
                                  source: snapshot.source, replacedSource: snapshot.replacedSource, added: changes.added,
                                  updated: changes.updated, unchanged: changes.unchanged, withdrawn: changes.withdrawn)
        }
        if json {
            try report.printJSON()
        } else {
            ReadingReport.printHuman(reports, showWarnings: false)
            print("imported \(serviceCount) services (\(duplicates) duplicates merged)")
            for (domain, count) in domainCounts.sorted(by: { $0.key < $1.key }) {
                print("  \(domain.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)) \(count)")
            }
            if let stored = report.stored {
                print("stored \(stored.services) services in \(stored.database) (snapshot \(stored.snapshot)): \(stored.changeSummary)")
            }
        }
        throw DirectoryRun.exitCode(for: reports)
    }
}
