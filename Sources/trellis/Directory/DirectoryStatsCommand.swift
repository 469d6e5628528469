import ArgumentParser
import Foundation
import TrellisCore
import TrellisDirectory
import TrellisStore

struct DirectoryStatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Summarise directory health: services per need domain and county, stale records, missing capacity, unmapped codes.",
        discussion: """
        With --db (or $TRELLIS_DB) also what the last import changed (added, updated, unchanged, withdrawn) and, per \
        organization, the services agencies rejected for "no capacity" or "not eligible" more than --rejections times \
        in 90 days: records for the curator to fix. Without files, the stored directory's services in force are summarised.
        """)

    @Argument(help: ArgumentHelp("AIRS XML or HSDS JSON files (none with --db: the stored directory).", valueName: "file"))
    var files: [String] = []

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("With --db, list services rejected for no capacity or not eligible more than this many times in 90 days.", valueName: "n"))
    var rejections = 3

    @Option(help: "A record verified longer ago than this many months is stale.")
    var staleMonths = 12

    @Flag(help: "Print one JSON object.")
    var json = false

    @OptionGroup var reading: DirectoryReadingOptions

    private var storing: Bool { store.db != nil || ProcessInfo.processInfo.environment["TRELLIS_DB"]?.nonBlank != nil }

    func validate() throws {
        guard rejections >= 0 else { throw ValidationError("--rejections: a count of 0 or more is expected") }
        guard !files.isEmpty || store.db != nil || ProcessInfo.processInfo.environment["TRELLIS_DB"]?.nonBlank != nil else {
            throw ValidationError("name directory files, or a database with --db")
        }
    }

    func run() async throws {
        var stats = DirectoryStatistics(asOf: CalendarDay.today, staleAfterMonths: staleMonths)
        var reports: [FileReport] = []
        if !files.isEmpty {
            let run = try DirectoryRun.prepare(reading)
            reports = run.read(files, into: &stats)
        }
        for r in reports where r.fatal != nil { Terminal.error("\(r.path): error: \(r.fatal?.description ?? "")") }
        var unmapped: [String: Int] = [:]
        for r in reports { unmapped.merge(r.unmappedCodes, uniquingKeysWith: +) }
        var stored: StoredHealth?
        if storing {
            let since = Date().addingTimeInterval(-90 * 86_400)
            stored = try await store.withStore { store in
                if files.isEmpty { stats.add(stored: try await store.storedServices()) }
                return StoredHealth(lastImport: try await store.latestSnapshot(),
                                    rejected: try await store.rejectedServices(since: since, moreThan: rejections))
            }
        }
        if json {
            try printJSON(stats, unmapped: unmapped, reports: reports, stored: stored)
        } else {
            printHuman(stats, unmapped: unmapped)
            if let stored { printHuman(stored) }
        }
        throw DirectoryRun.exitCode(for: reports)
    }

    /// What the stored directory adds to the files' figures.
    struct StoredHealth: Sendable {
        var lastImport: DirectorySnapshot?
        var rejected: [RejectedService]
    }

    private func printHuman(_ stored: StoredHealth) {
        if let last = stored.lastImport {
            let changes = last.changes.map { "\($0.added) added, \($0.updated) updated, \($0.unchanged) unchanged, \($0.withdrawn) withdrawn" }
                ?? "changes not counted"
            print("\nlast import: snapshot \(last.id)\(last.source.map { " (source \($0))" } ?? ""), \(last.serviceCount) services: \(changes)")
        } else {
            print("\nlast import: none")
        }
        print("\nservices rejected for no capacity or not eligible more than \(rejections) times in 90 days:")
        if stored.rejected.isEmpty { print("  none") }
        for (organization, services) in RejectedServiceGroups.byOrganization(stored.rejected) {
            print("  \(organization.name.map { "\($0) (\(organization.id))" } ?? organization.id)")
            for s in services {
                print("    \(s.serviceName ?? s.serviceID) (\(s.serviceID)): \(s.noCapacity) no capacity, \(s.notEligible) not eligible")
            }
        }
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
        // A column as wide as the longest domain name ("transportation") and a space: names are never cut.
        let column = max(13, (domains.map(\.rawValue.count).max() ?? 0) + 1)
        print("  " + "county".padding(toLength: 28, withPad: " ", startingAt: 0) + domains.map { $0.rawValue.padding(toLength: column, withPad: " ", startingAt: 0) }.joined() + "all")
        let table = stats.byCountyAndDomain
        for (county, total) in stats.byCounty.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
            let row = domains.map { String(table[county]?[$0] ?? 0).padding(toLength: column, withPad: " ", startingAt: 0) }.joined()
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

    private func printJSON(_ stats: DirectoryStatistics, unmapped: [String: Int], reports: [FileReport], stored: StoredHealth?) throws {
        struct LastImport: Encodable {
            var snapshot: Int64
            var importedAt: Date
            var source: String?
            var services: Int
            var changes: DirectoryChanges?
            enum CodingKeys: String, CodingKey { case snapshot, source, services, changes, importedAt = "imported_at" }
        }
        struct Rejections: Encodable {
            var days = 90
            var moreThan: Int
            var organizations: [RejectedServiceGroups.Organization]
            enum CodingKeys: String, CodingKey { case days, organizations, moreThan = "more_than" }
        }
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
            var lastImport: LastImport?
            var rejectedServices: Rejections?
            enum CodingKeys: String, CodingKey {
                case services, organizations, domains, counties, stale, errors
                case lastImport = "last_import", rejectedServices = "rejected_services"
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
            errors: reports.compactMap { r in r.fatal.map { "\(r.path): \($0)" } },
            lastImport: stored?.lastImport.map { LastImport(snapshot: $0.id, importedAt: $0.importedAt, source: $0.source, services: $0.serviceCount, changes: $0.changes) },
            rejectedServices: stored.map { Rejections(moreThan: rejections, organizations: RejectedServiceGroups.organizations($0.rejected)) })
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        FileHandle.standardOutput.write(try encoder.encode(output) + Data("\n".utf8))
    }
}
