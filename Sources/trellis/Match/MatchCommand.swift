import ArgumentParser
import Foundation
import TrellisCore
import TrellisDirectory
import TrellisMatching

struct MatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Rank the services that fit a person's needs profile, and say why.",
        discussion: """
        For each need, the top services with their score, distance, reasons and warnings. --explain names \
        the rule that excluded a service, or gives its full score breakdown. Exit status 2 when the profile \
        is invalid (the field is named) or a directory cannot be read.
        """)

    @Option(help: ArgumentHelp("The needs profile (JSON; see schemas/needs-profile.schema.json).", valueName: "file"))
    var profile: String

    @Option(parsing: .upToNextOption, help: ArgumentHelp("AIRS XML or HSDS JSON directory files.", valueName: "file"))
    var directory: [String]

    @Option(help: "Results per need.")
    var limit = Matcher.defaultLimit

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: ArgumentHelp("Explain one service instead of ranking.", valueName: "service-id"))
    var explain: String?

    @Option(help: ArgumentHelp("Postal-code centroids, Census ZCTA Gazetteer format (default: config/zcta/riverbend-zcta.txt, or $TRELLIS_ZCTA).", valueName: "file"))
    var zcta: String?

    @Option(help: ArgumentHelp("Scoring weights (default: config/scoring.json).", valueName: "file"))
    var scoring: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Rank as of this day (YYYY-MM-DD; default today in UTC): records' freshness is counted from it.", valueName: "date"))
    var asOf: String?

    @OptionGroup var reading: DirectoryReadingOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        guard !directory.isEmpty else { throw ValidationError("name at least one --directory file") }
        if let asOf, CalendarDay(iso: asOf) == nil || asOf.utf8.count != 10 {
            throw ValidationError("--as-of: expected a day as YYYY-MM-DD, got \"\(asOf)\"")
        }
    }

    func run() throws {
        do {
            try runMatching()
        } catch let failure as CommandFailure {
            Terminal.error("trellis: \(failure)")
            throw ExitCode.unreadable
        }
    }

    private func runMatching() throws {
        let needs = try ProfileFile.read(profile)
        let taxonomy = try ConfigFiles.taxonomyMap(explicit: reading.taxonomyMap)
        var merged = DirectoryImport(keepsServices: true)
        let reader = DirectoryReader(taxonomy: taxonomy)
        for path in directory {
            let report = reader.read(path: path, into: &merged)
            if let fatal = report.fatal { throw CommandFailure("\(path): \(fatal)") }
            if !report.rejected.isEmpty {
                Terminal.error("\(path): \(report.rejected.count) records rejected (see `trellis directory validate`)")
            }
        }
        let matcher = Matcher(configuration: try MatchingFiles.scoringConfiguration(scoring), centroids: try MatchingFiles.centroids(zcta),
                              knownDetails: taxonomy.detailsByDomain, today: asOf.flatMap { CalendarDay(iso: $0) } ?? CalendarDay.today)
        let index = DirectoryIndex(services: merged.services.values)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]

        do {
            if let explain {
                guard let explanation = try matcher.explain(serviceID: explain, for: needs, in: index) else {
                    throw CommandFailure("no service \(explain) in the directories given")
                }
                if json { print(String(decoding: try encoder.encode(explanation), as: UTF8.self)) } else { MatchPrinter.print(explanation) }
            } else {
                let outcome = try matcher.match(needs, in: index, limit: limit)
                if json { print(String(decoding: outcome.jsonBytes, as: UTF8.self)) } else { MatchPrinter.print(outcome) }
            }
        } catch let error as ProfileError {
            throw CommandFailure("\(profile): \(error)")
        }
    }
}

/// Reads a needs profile strictly, naming the field at fault.
enum ProfileFile {
    static func read(_ path: String) throws -> NeedsProfile {
        try JSONFile.read(NeedsProfile.self, from: path, what: "profile")
    }
}
