import Foundation
import TrellisCore
import TrellisDirectory
import TrellisMatching

/// Measurements that need to run inside the process (latency percentiles, index memory).
/// `scripts/bench` runs this in a release build and prints its JSON lines.
@main
struct TrellisBench {
    static func main() async throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let command = arguments.first ?? ""
        guard ["match", "store", "deliver", "reimport"].contains(command) else {
            print("""
            usage: trellis-bench match --directory FILE [--profiles N] [--seed S] [--show-slowest N] [--index-only]
              Builds the matching index from FILE and measures, on one core: index build time and
              memory, match latency per profile (all its needs) p50/p99 over N generated profiles,
              and the same questions asked of SQLite as an indexed SQL query per need.
              --index-only stops after the index build and memory.
            usage: trellis-bench store [--backend sqlite|postgres] [--db URL] [--referrals N] [--audit-records N] [--concurrency C]
              Creates N referrals (default 10000) with three status changes each, C at a time (default 8),
              on a fresh SQLite file or a fresh schema on the PostgreSQL server at URL; then appends
              audit records up to --audit-records (default 100000) and verifies the chain and its
              signed checkpoints.
            usage: trellis-bench reimport [--backend sqlite|postgres] [--db URL] [--services N]
              Stores N services (default 100000) as a source's first import, then the same source again with
              2 % of them changed and 1 % gone, replacing the source (the gone ones withdrawn): time and
              peak resident memory of each.
            usage: trellis-bench deliver [--backend sqlite|postgres] [--db URL] [--referrals N] [--concurrency C]
              Delivers N referrals (default 5000) over libcurl to the partner simulator on 127.0.0.1, C in flight
              (default 8): once from a full queue (referrals per second), once created while the worker runs
              (enqueue to 2xx, p50 and p99).
            One JSON line per figure.
            """)
            exit(command == "--help" || command == "-h" ? 0 : 2)
        }
        arguments.removeFirst()
        func option(_ name: String) -> String? {
            guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
            return arguments[i + 1]
        }
        if command == "deliver" {
            let backend = StoreBenchmark.Backend(rawValue: option("--backend") ?? "sqlite") ?? .sqlite
            try await DeliveryBenchmark(backend: backend, url: option("--db"), referrals: option("--referrals").flatMap(Int.init) ?? 5_000,
                                        concurrency: option("--concurrency").flatMap(Int.init) ?? 8).run()
            return
        }
        if command == "reimport" {
            let backend = StoreBenchmark.Backend(rawValue: option("--backend") ?? "sqlite") ?? .sqlite
            try await ReimportBenchmark(backend: backend, url: option("--db"), services: option("--services").flatMap(Int.init) ?? 100_000).run()
            return
        }
        if command == "store" {
            let backend = StoreBenchmark.Backend(rawValue: option("--backend") ?? "sqlite") ?? .sqlite
            try await StoreBenchmark(backend: backend, url: option("--db"), referrals: option("--referrals").flatMap(Int.init) ?? 10_000,
                                     auditRecords: option("--audit-records").flatMap(Int.init) ?? 100_000,
                                     concurrency: option("--concurrency").flatMap(Int.init) ?? 8).run()
            return
        }
        guard let directory = option("--directory") else {
            FileHandle.standardError.write(Data("trellis-bench: --directory FILE is required\n".utf8))
            exit(2)
        }
        let profiles = option("--profiles").flatMap(Int.init) ?? 1_000
        let seed = option("--seed").flatMap(UInt64.init) ?? 1
        var benchmark = MatchBenchmark(directory: directory, profileCount: profiles, seed: seed)
        benchmark.showSlowest = option("--show-slowest").flatMap(Int.init) ?? 0
        benchmark.indexOnly = arguments.contains("--index-only")
        try benchmark.run()
    }
}

/// Prints one JSON object per line.
enum Figures {
    static func emit(_ fields: [String: Any]) {
        let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        print(String(decoding: data ?? Data(), as: UTF8.self))
        fflush(nil)
    }

    static func progress(_ message: String) {
        FileHandle.standardError.write(Data("trellis-bench: \(message)\n".utf8))
    }

    /// Resident set size of this process, in MB (from /proc/self/statm).
    static func residentMB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[max(0, min(sorted.count - 1, rank))]
    }

    static func round(_ x: Double, _ places: Int = 3) -> Double {
        let f = pow(10, Double(places))
        return (x * f).rounded() / f
    }
}
