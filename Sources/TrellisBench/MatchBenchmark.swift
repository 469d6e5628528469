import Crypto
import Foundation
import TrellisCore
import TrellisDirectory
import TrellisMatching

/// Index build, index memory and match latency on a generated directory, beside SQLite.
struct MatchBenchmark {
    let directory: String
    let profileCount: Int
    let seed: UInt64
    /// Describes the slowest profiles on standard error (a diagnostic).
    var showSlowest = 0
    /// Stops after the index build and memory (the server memory's ceiling in `scripts/bench --section http`).
    var indexOnly = false

    /// Keeps what matching and the SQL peer need; long texts are dropped as they stream by.
    struct ServiceList: DirectorySink {
        var services: [Service] = []
        mutating func add(_ organization: Organization) {}
        mutating func add(_ service: Service) {
            var s = service
            s.description = nil
            s.hours = nil
            s.fees = nil
            services.append(s)
        }
    }

    func run() throws {
        let taxonomy = try TaxonomyMap(json: Data(contentsOf: URL(fileURLWithPath: "config/taxonomy-map.json")))
        Figures.progress("reading \(directory)")
        var list = ServiceList()
        let report = DirectoryReader(taxonomy: taxonomy).read(path: directory, into: &list)
        if let fatal = report.fatal { throw BenchFailure("\(directory): \(fatal)") }
        let services = list.services

        // Index build and memory: the services stay alive, so the growth is the index.
        let before = Figures.residentMB()
        let clock = ContinuousClock()
        var index: DirectoryIndex? = nil
        let build = clock.measure { index = DirectoryIndex(services: services) }
        guard let index else { throw BenchFailure("no index") }
        let indexMB = Figures.residentMB() - before
        let buildSeconds = Double(build.components.attoseconds) / 1e18 + Double(build.components.seconds)
        Figures.emit(["bench": "match_index_build", "services": index.serviceCount, "wall_s": Figures.round(buildSeconds),
                      "target_wall_s": 1, "met": buildSeconds <= 1])
        Figures.emit(["bench": "match_index_memory", "services": index.serviceCount, "mb": Figures.round(indexMB, 1),
                      "target_mb": 200, "met": indexMB <= 200])
        if indexOnly { return }

        var generator = ProfileGenerator(services: services, seed: seed)
        let profiles = generator.profiles(profileCount)
        let matcher = Matcher(today: CalendarDay(year: 2026, month: 11, day: 22)!)

        // Warm up, then one profile at a time on this thread (one core).
        for profile in profiles.prefix(50) { _ = try matcher.match(profile, in: index) }
        var trellis: [Double] = []
        var results = 0
        // Every ranking, written out, hashed: two builds with the same digest ranked every profile
        // identically (a speed change must not move a single result or excluded count).
        var digest = SHA256()
        // The same without the excluded counts: a change to how far a search reads may move those
        // (services it no longer needs to read) and must move nothing else.
        var resultsDigest = SHA256()
        for profile in profiles {
            var outcome: MatchOutcome? = nil
            let t = try clock.measure { outcome = try matcher.match(profile, in: index) }
            trellis.append(Self.milliseconds(t))
            results += outcome?.matches.reduce(0) { $0 + $1.results.count } ?? 0
            if let outcome {
                digest.update(data: outcome.jsonBytes)
                var resultsOnly = outcome
                resultsOnly.excluded = 0
                resultsDigest.update(data: resultsOnly.jsonBytes)
            }
        }
        let rankingsDigest = digest.finalize().map { String(format: "%02x", $0) }.joined()
        let resultsOnlyDigest = resultsDigest.finalize().map { String(format: "%02x", $0) }.joined()
        for (i, ms) in trellis.enumerated().sorted(by: { $0.1 > $1.1 }).prefix(showSlowest).map({ ($0.offset, $0.element) }) {
            let p = profiles[i]
            let needs = p.needs.map { "\($0.domain.rawValue)/\($0.detail ?? "-")/\($0.urgency.rawValue)" }.joined(separator: " ")
            Figures.progress(String(format: "%.2f ms: %@ faith=%@ tele=%@ max=%.0f age=%d %@ use=%@", ms, needs,
                                    p.preferences.faithBased.rawValue, String(p.preferences.telehealthOK), p.preferences.maxDistanceKm ?? 0,
                                    p.person.age ?? -1, p.person.gender?.rawValue ?? "-", String(p.circumstances.activeSubstanceUse)))
        }
        trellis.sort()
        let needs = profiles.reduce(0) { $0 + $1.needs.count }
        Figures.emit(["bench": "match_latency", "impl": "trellis", "profiles": profiles.count, "needs": needs, "results": results,
                      "rankings_sha256": rankingsDigest, "results_sha256": resultsOnlyDigest,
                      "p50_ms": Figures.round(Figures.percentile(trellis, 50), 4), "p99_ms": Figures.round(Figures.percentile(trellis, 99), 4),
                      "max_ms": Figures.round(trellis.last ?? 0, 4),
                      "target_p50_ms": 0.5, "target_p99_ms": 2,
                      "met": Figures.percentile(trellis, 50) <= 0.5 && Figures.percentile(trellis, 99) <= 2])

        Figures.progress("loading the same services into SQLite")
        let peer = try SQLitePeer(services: services)
        for profile in profiles.prefix(50) { _ = try peer.match(profile) }
        var sqlite: [Double] = []
        var peerResults = 0
        for profile in profiles {
            var count = 0
            let t = try clock.measure { count = try peer.match(profile) }
            sqlite.append(Self.milliseconds(t))
            peerResults += count
        }
        sqlite.sort()
        Figures.emit(["bench": "match_latency", "impl": "sqlite_indexed_sql", "profiles": profiles.count, "needs": needs, "results": peerResults,
                      "p50_ms": Figures.round(Figures.percentile(sqlite, 50), 4), "p99_ms": Figures.round(Figures.percentile(sqlite, 99), 4),
                      "max_ms": Figures.round(sqlite.last ?? 0, 4)])
        Figures.emit(["bench": "match_latency", "ratio": "sqlite_indexed_sql/trellis",
                      "p50": Figures.round(Figures.percentile(sqlite, 50) / Figures.percentile(trellis, 50), 2),
                      "p99": Figures.round(Figures.percentile(sqlite, 99) / Figures.percentile(trellis, 99), 2)])
    }

    static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
