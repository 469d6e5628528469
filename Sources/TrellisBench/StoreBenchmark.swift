import Crypto
import Foundation
import Logging
import PostgresNIO
import TrellisCore
import TrellisStore

/// The store on one backend: referrals created and moved through three status changes (each a
/// transaction with its audit records, as the server makes them), then the audit log: appends and
/// `verify` over the whole chain with its signed checkpoints.
struct StoreBenchmark {
    enum Backend: String { case sqlite, postgres }

    let backend: Backend
    /// For PostgreSQL: the server; the benchmark works in a schema of its own there.
    let url: String?
    let referrals: Int
    let auditRecords: Int
    let concurrency: Int

    private let logger = Logger(label: "trellis.bench")

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-bench-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try await Self.open(backend, url: url, folder: folder, logger: logger)
        try await measureReferrals(store)
        try await measureAudit(store, folder: folder)
        try await store.close()
    }

    private func measureReferrals(_ store: any TrellisStore) async throws {
        let services = BenchReferrals.services(count: 50, organizations: 10)
        _ = try await store.storeDirectory(services, files: ["bench.json"], source: nil, replacement: .addAndUpdate, context: AuditContext(actor: "bench", purpose: "operations"))
        try await BenchReferrals.storeReceivers(for: services, endpoint: URL(string: "http://127.0.0.1:9/referrals")!, store: store)
        let capturedAt = Date().addingTimeInterval(-86_400)
        let clock = ContinuousClock()
        Figures.progress("\(backend.rawValue): \(referrals) referrals, three status changes each, \(concurrency) at a time")
        var created = Duration.zero, moved = Duration.zero
        let total = try await clock.measure {
            try await withThrowingTaskGroup(of: (Duration, Duration).self) { group in
                for worker in 0..<concurrency {
                    group.addTask {
                        var create = Duration.zero, move = Duration.zero
                        for i in stride(from: worker, to: referrals, by: concurrency) {
                            let service = services[i % services.count]
                            let request = BenchReferrals.request(i, to: service, categories: [.contact, .needs], capturedAt: capturedAt, phone: true)
                            let start = clock.now
                            let referral = try await store.createReferral(request, context: AuditContext(actor: "cw-\(i % 20)"))
                            let afterCreate = clock.now
                            let agency = AuditContext(actor: "partner:\(service.organizationID)", purpose: "coordination")
                            for status in [ReferralStatus.accepted, .inProgress, .completed] {
                                _ = try await store.changeStatus(StatusChangeRequest(referralID: referral.id, status: status, party: .agency), context: agency)
                            }
                            create += afterCreate - start
                            move += clock.now - afterCreate
                        }
                        return (create, move)
                    }
                }
                for try await (c, m) in group { created += c; moved += m }
            }
        }
        let seconds = Self.seconds(total)
        Figures.emit(["bench": "referral_lifecycle", "backend": backend.rawValue, "referrals": referrals, "status_changes": referrals * 3,
                      "concurrency": concurrency, "wall_s": Figures.round(seconds),
                      "referrals_per_s": Int(Double(referrals) / seconds),
                      "transactions_per_s": Int(Double(referrals * 4) / seconds),
                      "create_mean_ms": Figures.round(Self.seconds(created) * 1000 / Double(referrals)),
                      "status_change_mean_ms": Figures.round(Self.seconds(moved) * 1000 / Double(referrals * 3))])
    }

    private func measureAudit(_ store: any TrellisStore, folder: URL) async throws {
        // Top the chain up to `auditRecords` with plain appends (one transaction each).
        let clock = ContinuousClock()
        let existing = Int(try await store.audit.head()?.event.sequence ?? 0)
        let missing = max(0, auditRecords - existing)
        Figures.progress("\(backend.rawValue): appending \(missing) audit records to the \(existing) the referrals left")
        let append = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<concurrency {
                    group.addTask {
                        for i in stride(from: worker, to: missing, by: concurrency) {
                            try await store.audit.append(AuditEntry(actor: "cw-\(i % 50)", action: .read, entity: "referral",
                                                                    entityID: "R-\(i / 4)", purpose: "treatment", sourceAddress: "127.0.0.1"))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        try await store.audit.checkpoint()
        if missing > 0 {
            Figures.emit(["bench": "audit_append", "backend": backend.rawValue, "records": missing, "concurrency": concurrency,
                          "wall_s": Figures.round(Self.seconds(append)), "per_s": Int(Double(missing) / Self.seconds(append))])
        }
        var verdict: AuditChain.Verdict? = nil
        let verify = try await clock.measure { verdict = try await store.audit.verify() }
        let seconds = Self.seconds(verify)
        let records: Int
        if case .intact(let count, _) = verdict { records = count } else { records = -1 }
        // The ceiling: SHA-256 (sha256sum) over the same bytes the chain hashes, exported to a file.
        let export = try await exportAudit(store, to: folder.appendingPathComponent("audit-export.jsonl"))
        let sha = try clock.measure { try Self.sha256sum(export.path) }
        Figures.emit(["bench": "audit_verify", "backend": backend.rawValue, "records": records, "wall_s": Figures.round(seconds),
                      "intact": records == max(auditRecords, existing), "target_wall_s": 2, "met": seconds <= 2 && records >= 100_000,
                      "export_records": export.records, "export_bytes": export.bytes,
                      "export_sha256sum_wall_s": Figures.round(Self.seconds(sha), 4)])
    }

    /// Every record's canonical JSON (what its hash covers besides the previous hash), one a line.
    private func exportAudit(_ store: any TrellisStore, to url: URL) async throws -> (path: String, records: Int, bytes: Int) {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw BenchFailure("cannot create \(url.path)") }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var after: Int64 = 0, records = 0, bytes = 0
        while true {
            let page = try await store.audit.records(after: after, limit: 5_000)
            guard let last = page.last else { break }
            var chunk = Data()
            for record in page {
                chunk.append(record.canonicalBytes)
                chunk.append(0x0A)
            }
            try handle.write(contentsOf: chunk)
            records += page.count
            bytes += chunk.count
            after = last.event.sequence
        }
        try handle.synchronize()
        return (url.path, records, bytes)
    }

    /// Runs `sha256sum FILE` (coreutils) and waits for it; its wall time is the audit verify ceiling.
    static func sha256sum(_ path: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchFailure("sha256sum \(path) exited \(process.terminationStatus)") }
    }

    /// A fresh store: a SQLite file in `folder`, or a new schema on the PostgreSQL server at `url`.
    static func open(_ backend: Backend, url: String?, folder: URL, logger: Logger) async throws -> any TrellisStore {
        let configuration = StoreConfiguration(
            cipher: PersonCipher(key: SymmetricKey(size: .bits256)),
            checkpoints: AuditCheckpointBook(path: folder.appendingPathComponent("checkpoints.jsonl").path,
                                             key: Curve25519.Signing.PrivateKey(), every: 1_000))
        switch backend {
        case .sqlite:
            return try SQLiteStore(path: folder.appendingPathComponent("trellis.sqlite").path, configuration: configuration)
        case .postgres:
            guard let url else { throw BenchFailure("--db postgres://… is required for the postgres backend") }
            return try await PostgresStore.connect(url: try await freshSchema(url, logger: logger), configuration: configuration, logger: logger)
        }
    }

    /// A new schema on the server, so runs never meet.
    static func freshSchema(_ url: String, logger: Logger) async throws -> String {
        guard var parts = URLComponents(string: url) else { throw BenchFailure("not a URL: \(url)") }
        let schema = "bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        var admin = PostgresClient.Configuration(host: parts.host ?? "127.0.0.1", port: parts.port ?? 5432, username: parts.user ?? "postgres",
                                                 password: parts.password, database: String(parts.path.dropFirst()), tls: .disable)
        admin.options.connectTimeout = .seconds(10)
        let client = PostgresClient(configuration: admin, backgroundLogger: logger)
        let runner = await client.runInBackground()
        defer { runner.cancel() }
        try await client.query("CREATE SCHEMA \(unescaped: schema)", logger: logger)
        parts.queryItems = (parts.queryItems ?? []) + [URLQueryItem(name: "search_path", value: schema)]
        return parts.string ?? url
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}
