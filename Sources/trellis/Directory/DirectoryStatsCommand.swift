import ArgumentParser
import Foundation
import TrellisCore
import TrellisDirectory

struct DirectoryStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Summarise directory health: services per need domain and county, stale records, missing capacity, unmapped codes.")

    @Argument(help: ArgumentHelp("AIRS XML or HSDS JSON files.", valueName: "file"))
    var files: [String]

    @Option(help: "A record verified longer ago than this many months is stale.")
    var staleMonths = 12

    @Flag(help: "Print one JSON object.")
    var json = false

    @OptionGroup var reading: DirectoryReadingOptions

    func run() throws {
        let run = try DirectoryRun.prepare(reading)
        var stats = DirectoryStatistics(asOf: CalendarDay.today, staleAfterMonths: staleMonths)
        let reports = run.read(files, into: &stats)
        for r in reports where r.fatal != nil { Terminal.error("\(r.path): error: \(r.fatal?.description ?? "")") }
        var unmapped: [String: Int] = [:]
        for r in reports { unmapped.merge(r.unmappedCodes, uniquingKeysWith: +) }
        if json {
            try printJSON(stats, unmapped: unmapped, reports: reports)
        } else {
            printHuman(stats, unmapped: unmapped)
        }
        throw DirectoryRun.exitCode(for: reports)
    }

    private func printHuman(_ stats: DirectoryStatistics, unmapped: [String: Int]) {
        print("\(stats.services) services from \(stats.organizations) organizations (as of \(stats.asOf))")
        print("\nservices per need domain:")
        for (domain, count) in stats.byDomain.sorted(by: { $0.key < $1.key }) {
            print("  \(domain.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)) \(count)")
        }
        if stats.withoutDomain > 0 { print("  (no domain)     \(stats.withoutDomain)") }
        print("\nservices per county and need domain:")
        let domains = NeedDomain.allCases
        print("  " + "county".padding(toLength: 28, withPad: " ", startingAt: 0) + domains.map { $0.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0) }.joined() + "all")
        let table = stats.byCountyAndDomain
        for (county, total) in stats.byCounty.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
            let row = domains.map { String(table[county]?[$0] ?? 0).padding(toLength: 13, withPad: " ", startingAt: 0) }.joined()
            print("  " + county.padding(toLength: 28, withPad: " ", startingAt: 0) + row + String(total))
        }
        print("\nfreshness: \(stats.stale) not verified in \(stats.staleAfterMonths) months, \(stats.neverVerified) never verified")
        print("capacity: \(stats.withoutCapacity) of \(stats.services) services give no capacity data")
        if unmapped.isEmpty {
            print("unmapped taxonomy codes: none")
        } else {
            print("unmapped taxonomy codes (\(unmapped.count), most used first):")
            for (code, count) in unmapped.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }).prefix(25) {
                print("  \(code)  ×\(count)")
            }
            if unmapped.count > 25 { print("  … and \(unmapped.count - 25) more (use --json for all)") }
        }
    }

    private func printJSON(_ stats: DirectoryStatistics, unmapped: [String: Int], reports: [FileReport]) throws {
        struct Output: Encodable {
            var asOf: String
            var services: Int
            var organizations: Int
            var domains: [String: Int]
            var counties: [String: [String: Int]]
            var staleMonths: Int
            var stale: Int
            var neverVerified: Int
            var withoutCapacity: Int
            var unmappedCodes: [String: Int]
            var errors: [String]
            enum CodingKeys: String, CodingKey {
                case services, organizations, domains, counties, stale, errors
                case asOf = "as_of", staleMonths = "stale_months", neverVerified = "never_verified"
                case withoutCapacity = "without_capacity", unmappedCodes = "unmapped_codes"
            }
        }
        let output = Output(
            asOf: stats.asOf.description, services: stats.services, organizations: stats.organizations,
            domains: Dictionary(uniqueKeysWithValues: stats.byDomain.map { ($0.key.rawValue, $0.value) }),
            counties: stats.byCountyAndDomain.mapValues { Dictionary(uniqueKeysWithValues: $0.map { ($0.key.rawValue, $0.value) }) },
            staleMonths: stats.staleAfterMonths, stale: stats.stale, neverVerified: stats.neverVerified,
            withoutCapacity: stats.withoutCapacity, unmappedCodes: unmapped,
            errors: reports.compactMap { r in r.fatal.map { "\(r.path): \($0)" } })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        FileHandle.standardOutput.write(try encoder.encode(output) + Data("\n".utf8))
    }
}
