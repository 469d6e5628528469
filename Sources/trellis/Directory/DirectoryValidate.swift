import ArgumentParser
import TrellisDirectory

struct DirectoryValidate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check directory files and report every rejected record and tolerated quirk.",
        discussion: """
        Exit status: 0 when every record is fine, 1 when some records were rejected (the rest were still \
        read) or, with --xsd, the file breaks the schema, 2 when a file cannot be read at all (missing, \
        neither XML nor JSON, broken at the root, or refused as hostile).
        """)

    @Argument(help: ArgumentHelp("AIRS XML or HSDS JSON files.", valueName: "file"))
    var files: [String]

    @Option(help: ArgumentHelp("Also validate AIRS files strictly against this XML Schema (e.g. schemas/airs/airs-3.0.xsd).", valueName: "file"))
    var xsd: String?

    @Flag(help: "Print one JSON report instead of lines.")
    var json = false

    @OptionGroup var reading: DirectoryReadingOptions

    func run() throws {
        let run = try DirectoryRun.prepare(reading, schemaPath: xsd)
        var sink = DirectoryImport(keepsServices: false)
        let reports = run.read(files, into: &sink)
        if json { try ReadingReport(reports).printJSON() } else { ReadingReport.printHuman(reports) }
        throw DirectoryRun.exitCode(for: reports)
    }
}
