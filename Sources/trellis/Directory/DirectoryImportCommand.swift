import ArgumentParser
import TrellisCore
import TrellisDirectory

struct DirectoryImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Read directory files into one directory and report what it holds per need domain.",
        discussion: """
        Records are merged by source and record key: a later file's copy of a record replaces the earlier \
        one. Exit status as for validate.
        """)

    @Argument(help: ArgumentHelp("AIRS XML or HSDS JSON files.", valueName: "file"))
    var files: [String]

    @Flag(help: "Print validate's JSON report with a `domains` count added.")
    var json = false

    @OptionGroup var reading: DirectoryReadingOptions

    func run() throws {
        let run = try DirectoryRun.prepare(reading)
        var merged = DirectoryImport(keepsServices: false)
        let reports = run.read(files, into: &merged)
        if json {
            try ReadingReport(reports, merged: merged).printJSON()
        } else {
            ReadingReport.printHuman(reports, showWarnings: false)
            print("imported \(merged.serviceCount) services (\(merged.duplicates) duplicates merged)")
            for (domain, count) in merged.domainCounts.sorted(by: { $0.key < $1.key }) {
                print("  \(domain.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)) \(count)")
            }
        }
        throw DirectoryRun.exitCode(for: reports)
    }
}
