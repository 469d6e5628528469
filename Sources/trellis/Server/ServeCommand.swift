import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TrellisCore
import TrellisDelivery
import TrellisMatching
import TrellisServer
import TrellisStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Trellis service: partners' answers over HTTP, the delivery worker and the status poller.",
        discussion: """
        Listens on --host:--port (127.0.0.1:8080). Partners answer at POST /v1/partners/{partner}/status and \
        PUT /fhir/Task/{id}, signed with Standard Webhooks. The delivery worker sends requested referrals; the \
        poller asks partners whose status_mode is "poll" every --poll-every seconds. SIGTERM or SIGINT stops all \
        of them gracefully: requests in flight finish first.
        """)

    @OptionGroup var store: StoreOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port, printed on start).") var port = 8080
    @OptionGroup var partners: PartnerOptions
    @Flag(name: .customLong("no-delivery"), help: "Do not run the delivery worker here (another process does).") var noDelivery = false
    @Option(name: .customLong("poll-every"), help: ArgumentHelp("Seconds between polls of partners that cannot call back.", valueName: "seconds"))
    var pollEvery: Double = 300
    @Option(name: .customLong("backoff-scale"), help: ArgumentHelp("Multiply every retry delay (drills, tests).", valueName: "factor"))
    var backoffScale: Double = 1

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port is 0 to 65535") }
        guard pollEvery > 0, backoffScale > 0 else { throw ValidationError("--poll-every and --backoff-scale must be above 0") }
    }

    func run() async throws {
        var logger = Logger(label: "trellis", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .info
        try await store.withStore { store in
            let book = try await partners.book(store, actor: "system:server")
            let client = CurlClient(concurrency: 8)
            var settings = DeliverySettings()
            settings.retry.scale = backoffScale
            var services: [any ServiceLifecycle.Service] = [StatusPoller(store: store, partners: book, client: client, interval: pollEvery, logger: logger)]
            if !noDelivery { services.append(DeliveryWorker(store: store, partners: book, client: client, settings: settings, logger: logger)) }
            // Ranks against the stored directory (`trellis directory import FILE --db URL`).
            let taxonomy = try ConfigFiles.taxonomyMap(explicit: nil)
            let matcher = Matcher(configuration: try MatchCommand.scoringConfiguration(nil), centroids: try MatchCommand.centroids(nil),
                                  knownDetails: taxonomy.detailsByDomain, today: CalendarDay.today)
            let matching = try await MatchingService.load(from: store, matcher: matcher)
            let app = TrellisApplication.make(store: store, matching: matching, host: host, port: port, services: services,
                                              logger: logger) { [host] port in
                FileHandle.standardOutput.write(Data("trellis listening on http://\(host):\(port)\n".utf8))
            }
            try await app.runService()
            try await client.shutdown()
        }
    }
}
