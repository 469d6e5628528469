import Crypto
import Foundation
import Hummingbird
import Logging
import TrellisCore
import TrellisDelivery
import TrellisPartnerSimulator
import TrellisStore

/// Referrals delivered over libcurl to the partner simulator on 127.0.0.1 (HTTP/1.1 keep-alive,
/// signed, FHIR R4 Bundles), by the delivery worker over the store. Two runs: the queue drained when
/// it is already full (delivery throughput alone), and referrals created while the worker runs (the
/// time from enqueue to the partner's 2xx, as a case worker would see it).
struct DeliveryBenchmark {
    let backend: StoreBenchmark.Backend
    let url: String?
    let referrals: Int
    let concurrency: Int

    private var logger: Logger {
        var logger = Logger(label: "trellis.bench")
        logger.logLevel = .error
        return logger
    }

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-bench-delivery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try await StoreBenchmark.open(backend, url: url, folder: folder, logger: logger)
        let secret = WebhookSecret.generate()
        var quiet = logger
        quiet.logLevel = .critical  // the server's own shutdown chatter is not a figure
        let simulator = try PartnerSimulator(settings: .init(secret: secret), logger: quiet)
        let (ports, reporter) = AsyncStream<Int>.makeStream()
        let app = simulator.application(port: 0) { reporter.yield($0) }
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw BenchFailure("the partner simulator did not start") }

        let services = BenchReferrals.services(count: 10, organizations: 10)
        _ = try await store.storeDirectory(services, files: ["bench.json"], source: nil, replacement: .addAndUpdate, context: AuditContext(actor: "bench", purpose: "operations"))
        try await BenchReferrals.storeReceivers(for: services, endpoint: URL(string: "http://127.0.0.1:\(port)/referrals")!, store: store)
        let partners = try PartnerBook([0, 1].map { half in
            Partner(id: "partner-\(half)", organizations: (0..<5).map { "ORG-\(half * 5 + $0)" },
                    endpoint: URL(string: "http://127.0.0.1:\(port)/referrals")!, format: .fhirR4, signingSecrets: [secret])
        })
        let client = CurlClient(concurrency: concurrency)
        let settings = DeliverySettings(concurrency: concurrency, batchSize: concurrency * 8, idlePoll: 0.01)
        let worker = DeliveryWorker(store: store, partners: partners, client: client, settings: settings, logger: logger)
        let clock = ContinuousClock()

        // 0. One exchange at a time, against the same partner and over the same client: the latency
        // that, with the slots the worker may hold, sets the drain's ceiling (slots ÷ latency).
        let single = min(200, max(20, referrals / 25))
        Figures.progress("\(backend.rawValue): \(single) referrals delivered one at a time (one exchange's latency)")
        let singleIDs = try await create(single, offset: 2 * referrals, services: services, store: store)
        let oneAtATime = DeliveryWorker(store: store, partners: partners, client: client,
                                        settings: DeliverySettings(concurrency: 1, batchSize: 8, idlePoll: 0.01), logger: logger)
        _ = try await oneAtATime.drain(maxWait: 0)
        var oneExchange: [Double] = []
        for id in singleIDs {
            if let attempt = try await store.deliveryAttempts(referralID: id).last(where: { $0.outcome == .delivered }) {
                oneExchange.append(attempt.durationMS)
            }
        }
        oneExchange.sort()
        // The slots the drain may hold: the worker's concurrency, each partner held to its own cap.
        let slots = min(concurrency, partners.partners.count * settings.perPartnerConcurrency)

        // 1. A full queue, drained.
        Figures.progress("\(backend.rawValue): queueing \(referrals) referrals")
        _ = try await create(referrals, offset: 0, services: services, store: store)
        Figures.progress("\(backend.rawValue): draining \(referrals) referrals to the partner simulator, \(concurrency) in flight")
        var tally = DeliveryWorker.Tally()
        let drained = try await clock.measure { tally = try await worker.drain(maxWait: 0) }
        let drainedSeconds = StoreBenchmark.seconds(drained)
        Figures.emit(["bench": "delivery_drain", "backend": backend.rawValue, "referrals": referrals, "delivered": tally.delivered,
                      "concurrency": concurrency, "wall_s": Figures.round(drainedSeconds),
                      "per_s": Int(Double(tally.delivered) / drainedSeconds), "target_per_s": 500,
                      "met": Double(tally.delivered) / drainedSeconds >= 500 && tally.delivered == referrals,
                      "partners": partners.partners.count, "per_partner_slots": settings.perPartnerConcurrency, "slots": slots,
                      "one_exchange_samples": oneExchange.count,
                      "one_exchange_p50_ms": Figures.round(Figures.percentile(oneExchange, 50), 3),
                      "one_exchange_p99_ms": Figures.round(Figures.percentile(oneExchange, 99), 3)])

        // 2. Referrals created while the worker runs: enqueue to 2xx.
        Figures.progress("\(backend.rawValue): \(referrals) referrals created while the worker delivers")
        let running = Task { try await worker.run() }
        var ids: [String] = []
        let live = try await clock.measure {
            ids = try await create(referrals, offset: referrals, services: services, store: store)
            while try await store.nextDeliveryDue() != nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        running.cancel()
        _ = try? await running.value
        var latencies: [Double] = []
        var exchanges: [Double] = []
        for id in ids {
            let referral = try await store.referral(id: id, context: AuditContext(actor: "bench", purpose: "operations"))
            guard let attempt = try await store.deliveryAttempts(referralID: id).last(where: { $0.outcome == .delivered }) else { continue }
            latencies.append((attempt.at.timeIntervalSince(referral.createdAt)) * 1_000 + attempt.durationMS)
            exchanges.append(attempt.durationMS)
        }
        latencies.sort()
        exchanges.sort()
        let liveSeconds = StoreBenchmark.seconds(live)
        Figures.emit(["bench": "delivery_live", "backend": backend.rawValue, "referrals": referrals, "delivered": latencies.count,
                      "wall_s": Figures.round(liveSeconds), "per_s": Int(Double(latencies.count) / liveSeconds),
                      "enqueue_to_2xx_p50_ms": Figures.round(Figures.percentile(latencies, 50), 1),
                      "enqueue_to_2xx_p99_ms": Figures.round(Figures.percentile(latencies, 99), 1),
                      "http_exchange_p50_ms": Figures.round(Figures.percentile(exchanges, 50), 2),
                      "http_exchange_p99_ms": Figures.round(Figures.percentile(exchanges, 99), 2),
                      "partner_received": simulator.ledger.counts.received, "bad_signatures": simulator.ledger.counts.badSignatures])
        try await client.shutdown()
        try await store.close()
    }

    /// Creates `count` referrals, eight at a time, as case workers would; returns their ids.
    private func create(_ count: Int, offset: Int, services: [Service], store: any TrellisStore) async throws -> [String] {
        let capturedAt = Date().addingTimeInterval(-86_400)
        return try await withThrowingTaskGroup(of: [String].self) { group in
            for lane in 0..<8 {
                group.addTask {
                    var ids: [String] = []
                    for i in stride(from: offset + lane, to: offset + count, by: 8) {
                        let service = services[i % services.count]
                        let request = BenchReferrals.request(i, to: service, categories: [.contact, .demographics, .needs], capturedAt: capturedAt)
                        ids.append(try await store.createReferral(request, context: AuditContext(actor: "cw-\(i % 20)", purpose: "treatment")).id)
                    }
                    return ids
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }
}
