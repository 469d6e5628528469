import ArgumentParser
import Foundation
import Hummingbird
import Logging
import TrellisPartnerSimulator

struct PartnerSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partner-sim",
        abstract: "A simulated partner agency on 127.0.0.1, for demos, tests and load.",
        discussion: """
        Receives referrals at POST /referrals (or /), verifies their Standard Webhooks signatures with --secret, \
        dedupes on Idempotency-Key, answers 500 at --fail-rate, and --accept-after seconds later accepts each \
        referral: it posts a signed status update to --callback, and GET /referrals/ID answers the FHIR Task \
        for partners Trellis polls. GET /stats counts what happened; GET /receipts lists what arrived.
        """)

    @Option(help: "Port to listen on (0: any free port, printed on start).") var port: Int
    @Option(help: "The signing secret (whsec_…) shared with Trellis.") var secret: String
    @Option(name: .customLong("accept-after"), help: ArgumentHelp("Accept each referral this many seconds after receiving it.", valueName: "seconds"))
    var acceptAfter: Double?
    @Option(name: .customLong("fail-rate"), help: ArgumentHelp("Share of new referrals answered 500 (0 to 1).", valueName: "rate"))
    var failRate: Double = 0
    @Option(help: ArgumentHelp("Where status updates go, e.g. http://127.0.0.1:8080/v1/partners/harbor-house/status.", valueName: "url"))
    var callback: String?
    @Option(help: ArgumentHelp("Hold each new referral this long before answering 201 (a slow agency).", valueName: "seconds"))
    var delay: Double = 0
    @Option(help: "Address to listen on.") var host = "127.0.0.1"

    func validate() throws {
        guard (0...1).contains(failRate) else { throw ValidationError("--fail-rate is between 0 and 1") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port is 0 to 65535") }
        if let callback, URL(string: callback)?.scheme == nil { throw ValidationError("--callback must be a URL") }
    }

    func run() async throws {
        var logger = Logger(label: "trellis.partner-sim", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .warning
        let simulator: PartnerSimulator
        do {
            simulator = try PartnerSimulator(settings: .init(secret: secret, acceptAfter: acceptAfter, failRate: failRate,
                                                             callback: callback.flatMap(URL.init(string:)), responseDelay: delay),
                                             logger: logger)
        } catch {
            Terminal.error("trellis: --secret: \(error)")
            throw ExitCode.someRejected
        }
        let app = simulator.application(host: host, port: port) { port in
            // Written at once (not buffered), so a script waiting for this line sees it.
            FileHandle.standardOutput.write(Data("partner-sim listening on http://\(host):\(port)/referrals\n".utf8))
        }
        try await app.runService()
    }
}
