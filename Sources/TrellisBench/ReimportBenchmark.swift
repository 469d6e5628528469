import Foundation
import Logging
import TrellisCore
import TrellisStore

/// A weekly full re-import on one backend: N services stored as a source's first import, then the
/// same export a week later with 2 % of the records changed and 1 % gone, stored with
/// `--replace-source` (the gone ones withdrawn). Time and the process's peak resident memory of each.
struct ReimportBenchmark {
    let backend: StoreBenchmark.Backend
    let url: String?
    let services: Int

    private let logger = Logger(label: "trellis.bench")

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-bench-reimport-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try await StoreBenchmark.open(backend, url: url, folder: folder, logger: logger)
        let context = AuditContext(actor: "bench", purpose: "operations")
        let replace = DirectoryReplacement(replaceSource: true)
        let first = Self.county(services)
        Figures.progress("\(backend.rawValue): first import of \(services) services")
        let clock = ContinuousClock()
        var snapshot: DirectorySnapshot?
        let firstTime = try await clock.measure {
            snapshot = try await store.storeDirectory(first, files: ["week1.json"], source: "bench", replacement: replace, context: context)
        }
        emit("first_import", firstTime, snapshot)
        // A week later: every 50th record changed (2 %), every 100th gone (1 %).
        var next: [Service] = []
        next.reserveCapacity(services)
        for (i, service) in first.enumerated() where i % 100 != 99 {
            var copy = service
            if i % 50 == 0 { copy.name += " (renamed)" }
            copy.provenance.file = "week2.json"
            next.append(copy)
        }
        Figures.progress("\(backend.rawValue): full re-import, 2 % changed and 1 % withdrawn")
        let secondTime = try await clock.measure {
            snapshot = try await store.storeDirectory(next, files: ["week2.json"], source: "bench", replacement: replace, context: context)
        }
        emit("full_reimport", secondTime, snapshot)
        try await store.close()
    }

    private func emit(_ phase: String, _ time: Duration, _ snapshot: DirectorySnapshot?) {
        let seconds = Double(time.components.seconds) + Double(time.components.attoseconds) / 1e18
        let changes = snapshot?.changes ?? DirectoryChanges()
        Figures.emit(["bench": "reimport", "backend": backend.rawValue, "phase": phase, "services": services, "seconds": Figures.round(seconds),
                      "added": changes.added, "updated": changes.updated, "unchanged": changes.unchanged, "withdrawn": changes.withdrawn,
                      "peak_rss_mb": Figures.round(Self.peakResidentMB(), 1), "rss_mb": Figures.round(Figures.residentMB(), 1)])
    }

    /// The process's peak resident set so far, in MB (getrusage: kilobytes on Linux).
    static func peakResidentMB() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        return Double(usage.ru_maxrss) / 1_024
    }

    /// Services with documents about the size of a 211 record's (a description, a location, hours).
    static func county(_ count: Int) -> [Service] {
        BenchReferrals.services(count: count, organizations: max(1, count / 8)).map { service in
            var s = service
            s.description = "A program of \(s.organizationName) offering emergency shelter, meals and housing navigation; "
                + "walk-ins welcome, call ahead for a bed after 9 pm. Case managers help with ID, benefits and a housing plan."
            s.hours = "Mon-Fri 08:00-20:00; Sat 09:00-13:00"
            s.phones = ["+1-402-555-0100"]
            s.languages = ["en", "es"]
            return s
        }
    }
}
