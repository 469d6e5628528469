import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TrellisCore
import TrellisDelivery
import TrellisStore

struct DeliverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver",
        abstract: "Send requested referrals to their partner agencies, with retries, signatures and an audit record of every attempt.",
        subcommands: [DeliverRun.self, DeliverRetry.self],
        defaultSubcommand: DeliverRun.self)
}

struct DeliverRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the delivery worker (the default).",
        discussion: """
        Claims due referrals from the outbox, sends each to the partner that answers for its organization \
        (config/partners.json, or the partners stored with `trellis partner add`), and records every attempt. \
        2xx: delivered. 408, 429, 5xx and network errors: retried with exponential backoff and full jitter \
        (about 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, then hourly until 72 h), honouring Retry-After. 410: the \
        partner's pending referrals become undeliverable. Other 4xx: a permanent failure, kept visible; \
        `trellis deliver retry ID` sends one again. After 5 failures in a row a partner's queue pauses for a minute.

        Without --once the worker runs until SIGTERM or SIGINT and finishes the requests in flight. With --once it \
        drains what is due and exits: 0 when nothing failed for good, 1 when some referrals failed or became \
        undeliverable.
        """)

    @OptionGroup var store: StoreOptions

    @OptionGroup var partners: PartnerOptions

    @Flag(help: "Deliver what is due, wait out retries due within --max-wait, then exit.")
    var once = false

    @Option(name: .customLong("max-wait"), help: ArgumentHelp("With --once: wait for retries due within this many seconds.", valueName: "seconds"))
    var maxWait: Double = 0

    @Option(name: .customLong("backoff-scale"), help: ArgumentHelp("Multiply every retry delay and the circuit breaker's pause (drills, tests).", valueName: "factor"))
    var backoffScale: Double = 1

    @Option(help: "Requests in flight at once.")
    var concurrency: Int = 8

    @Option(name: .customLong("per-partner"), help: ArgumentHelp("Requests in flight at once to one partner (default: half of --concurrency).", valueName: "n"))
    var perPartner: Int?

    @Option(help: ArgumentHelp("Seconds a claim is held before another worker may take it over.", valueName: "seconds"))
    var lease: Double = 120

    @Option(name: .customLong("connect-timeout"), help: ArgumentHelp("Connect timeout per request.", valueName: "seconds"))
    var connectTimeout: Double = 5

    @Option(help: ArgumentHelp("Total time limit per request.", valueName: "seconds"))
    var timeout: Double = 30

    @Flag(help: "With --once: print the tally as JSON.")
    var json = false

    func validate() throws {
        guard backoffScale > 0 else { throw ValidationError("--backoff-scale must be above 0") }
        guard concurrency > 0 else { throw ValidationError("--concurrency must be at least 1") }
        if let perPartner { guard (1...concurrency).contains(perPartner) else { throw ValidationError("--per-partner is 1 to --concurrency") } }
        guard lease > 0, timeout > 0, connectTimeout > 0, maxWait >= 0 else { throw ValidationError("times must be positive") }
    }

    func run() async throws {
        var settings = DeliverySettings(concurrency: concurrency, perPartnerConcurrency: perPartner, batchSize: max(concurrency * 4, 16), lease: lease,
                                        transport: TransportSettings(connectTimeout: .milliseconds(Int(connectTimeout * 1_000)),
                                                                     totalTimeout: .milliseconds(Int(timeout * 1_000))))
        settings.retry.scale = backoffScale
        let failedForGood = try await store.withStore { store -> Bool in
            let book = try await partners.book(store, actor: "system:delivery")
            if book.partners.isEmpty { Terminal.error("trellis: no partners are configured: referrals will fail until one is added") }
            let client = CurlClient(concurrency: concurrency)
            defer { Task { try? await client.shutdown() } }
            var logger = StoreOptions.logger
            logger.logLevel = .info
            let worker = DeliveryWorker(store: store, partners: book, client: client, settings: settings, logger: logger)
            guard once else {
                let group = ServiceGroup(configuration: .init(services: [worker], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
                try await group.run()
                return false
            }
            var shown = false
            let tally = try await worker.drain(maxWait: maxWait) { tally in
                guard Terminal.isInteractive else { return }
                shown = true
                FileHandle.standardError.write(Data("\rdelivered \(tally.delivered), retrying \(tally.retrying), failed \(tally.failed)".utf8))
            }
            if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            let messages = try await worker.drainPartnerMessages(maxWait: maxWait)
            let waiting = try await store.nextDeliveryDue() != nil
            if json {
                print(try ReferralOutput.encode(DrainSummary(tally: tally, waiting: waiting, partnerMessages: messages)))
            } else {
                if messages != DeliveryWorker.MessageTally() {
                    print("partner messages: delivered \(messages.delivered), retrying \(messages.retrying), failed \(messages.failed), "
                          + "cancelled \(messages.cancelled), paused \(messages.paused)")
                }
                print("delivered \(tally.delivered), retrying \(tally.retrying), failed \(tally.failed), undeliverable \(tally.undeliverable), "
                      + "cancelled \(tally.cancelled), paused \(tally.paused) (\(tally.attempts) attempts)" + (waiting ? "; some referrals wait for a retry" : ""))
            }
            return tally.failed + tally.undeliverable + messages.failed > 0
        }
        if failedForGood { throw ExitCode.someRejected }
    }
}

/// `--once --json`: the tally's keys plus `waiting`.
private struct DrainSummary: Encodable {
    var tally: DeliveryWorker.Tally
    var waiting: Bool
    var partnerMessages: DeliveryWorker.MessageTally

    enum Extra: String, CodingKey { case waiting, partnerMessages = "partner_messages" }

    func encode(to encoder: any Encoder) throws {
        try tally.encode(to: encoder)
        var extra = encoder.container(keyedBy: Extra.self)
        try extra.encode(waiting, forKey: .waiting)
        try extra.encode(partnerMessages, forKey: .partnerMessages)
    }
}

struct DeliverRetry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Send one referral again now, with the same Idempotency-Key (after a permanent failure or a 410).")

    @Argument(help: "The referral.") var referralID: String
    @OptionGroup var store: StoreOptions
    @Option(help: "Who is acting, for the audit trail (default: $USER).") var by: String?

    func run() async throws {
        let entry = try await store.withStore { store in
            try await store.retryDelivery(referralID: referralID, context: AuditContext(actor: StoreOptions.actor(by), purpose: "treatment"))
        }
        print("\(entry.referralID): delivery \(entry.state.rawValue), due now (\(entry.attempts) attempts so far)")
    }
}
