import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TrellisCore
import TrellisDelivery
import TrellisDirectory
import TrellisMatching
import TrellisServer
import TrellisStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Trellis service: the web pages, the HTTP API, the delivery worker, the status poller and the overdue checker.",
        discussion: """
        Settings come from the `serve` object of config/trellis.json (or --config FILE), then environment \
        variables named after each key (TRELLIS_SERVE_PORT for serve.port, TRELLIS_SERVE_HOST, \
        TRELLIS_SERVE_PARTNERS, TRELLIS_SERVE_WEB, TRELLIS_SERVE_UPLOAD_LIMIT_MB, TRELLIS_SERVE_SESSION_HOURS, TRELLIS_SERVE_SESSION_IDLE_MINUTES, …), \
        then these options, which win. On first start with an empty database it imports the directories \
        listed in serve.first_start_directories, and pulls the feeds in directories.feeds (each: url, kind \
        hsda|airs, source, every such as "6h"; see `trellis directory pull`) at start and then on their \
        schedule, swapping matching to a changed feed without a restart; a failing feed keeps the last good \
        directory and shows on the administrator's page and in /readyz. Web pages are at /, the API under /v1 (schemas/openapi.yaml, \
        served at /openapi.yaml), partners answer at POST /v1/partners/{partner}/status and PUT /fhir/Task/{id}. \
        SIGTERM or SIGINT stops everything gracefully: requests and deliveries in flight finish first, and a \
        delivery cut short is taken up again after its lease by the next start. Session cookies are Secure \
        unless --insecure-cookies (serve.insecure_cookies) asks otherwise on loopback; /metrics needs an \
        administrator's token unless read on --metrics-port (serve.metrics_port, 127.0.0.1 only); \
        X-Forwarded-For is believed only from --trusted-proxy addresses (serve.trusted_proxy).
        """)

    @OptionGroup var store: StoreOptions
    @Option(help: "Address to listen on (default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (default 8080; 0: any free port, printed on start).") var port: Int?
    @OptionGroup var partners: PartnerOptions
    @Option(help: ArgumentHelp("The folder holding templates/ and static/ for the web pages (default: web/).", valueName: "dir"))
    var web: String?
    @Flag(name: .customLong("no-delivery"), help: "Do not run the delivery worker here (another process does).") var noDelivery = false
    @Option(name: .customLong("poll-every"), help: ArgumentHelp("Seconds between polls of partners that cannot call back.", valueName: "seconds"))
    var pollEvery: Double?
    @Option(name: .customLong("backoff-scale"), help: ArgumentHelp("Multiply every retry delay (drills, tests).", valueName: "factor"))
    var backoffScale: Double = 1
    @Option(name: .customLong("overdue-every"), help: ArgumentHelp("Seconds between checks for overdue referrals.", valueName: "seconds"))
    var overdueEvery: Double = 900
    @Option(name: .customLong("consent-sweep-every"), help: ArgumentHelp("Seconds between sweeps for consents that expired.", valueName: "seconds"))
    var consentSweepEvery: Double = 60
    @Option(help: ArgumentHelp("""
        Seconds a delivery claim is held before another worker may take it over (after a crash, the wait \
        before a cut-short delivery is sent again). Longer than a request's 30 s time limit.
        """, valueName: "seconds"))
    var lease: Double = 120
    @Option(name: .customLong("session-idle-minutes"), help: ArgumentHelp("""
        Minutes a web session may go unused before it ends and the page asks to sign in again (5 to 720; \
        default 30, or serve.session_idle_minutes). API tokens are not ended for idleness.
        """, valueName: "minutes"))
    var sessionIdleMinutes: Int?
    @Option(name: .customLong("per-partner"), help: ArgumentHelp("Delivery requests in flight at once to one partner (of 8).", valueName: "n"))
    var perPartner: Int = 4
    @Flag(name: .customLong("insecure-cookies"), help: """
        Session cookies without Secure, for plain-HTTP development on loopback only (refused with any other --host).
        """)
    var insecureCookies = false
    @Option(name: .customLong("trusted-proxy"), help: ArgumentHelp("""
        A reverse proxy's address: only from it is X-Forwarded-For taken as the client's address (for the audit \
        trail and the sign-in limits). May be given more than once.
        """, valueName: "address"))
    var trustedProxies: [String] = []
    @Option(name: .customLong("metrics-port"), help: ArgumentHelp("""
        Also serve /metrics without a token on this port of 127.0.0.1 (0: any free port, printed on start). \
        On the main port /metrics needs an administrator's token.
        """, valueName: "port"))
    var metricsPort: Int?

    func validate() throws {
        if let port { guard (0...65_535).contains(port) else { throw ValidationError("--port is 0 to 65535") } }
        if let metricsPort { guard (0...65_535).contains(metricsPort) else { throw ValidationError("--metrics-port is 0 to 65535") } }
        guard (pollEvery ?? 1) > 0, backoffScale > 0, overdueEvery > 0, consentSweepEvery > 0 else {
            throw ValidationError("--poll-every, --overdue-every, --consent-sweep-every and --backoff-scale must be above 0")
        }
        let timeLimit = TransportSettings().totalTimeout
        guard lease > Double(timeLimit.components.seconds) else {
            throw ValidationError("--lease must be longer than a delivery request's time limit (\(timeLimit))")
        }
        guard (1...8).contains(perPartner) else { throw ValidationError("--per-partner is 1 to 8") }
        if let sessionIdleMinutes {
            guard ServeSettings.sessionIdleRange.contains(sessionIdleMinutes) else { throw ValidationError("--session-idle-minutes is 5 to 720") }
        }
    }

    func run() async throws {
        MallocArenas.limit()
        var logger = Logger(label: "trellis", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .info
        let configFile = ConfigFiles.locate("config/trellis.json", explicit: store.config, environment: "TRELLIS_CONFIG")
        let settings: ServeSettings
        do { settings = try await ServeSettings.read(configFile: configFile) } catch let failure as CommandFailure {
            Terminal.error("trellis: \(failure)")
            throw ExitCode.unreadable
        } catch {
            Terminal.error("trellis: \(configFile ?? "settings"): \(error)")
            throw ExitCode.unreadable
        }
        // E-mail notices to agencies (off when `mail.url` is empty); a wrong setting stops here, naming it.
        let mail: MailSettings?
        do { mail = try await MailSettingsReader.read(configFile: configFile) } catch {
            Terminal.error("trellis: \(configFile ?? "settings"): \(error)")
            throw ExitCode.unreadable
        }
        let host = self.host ?? settings.host
        let secureCookies: Bool
        let forwardedFor: ForwardedFor
        do {
            secureCookies = try WebSettings.secureCookies(host: host, insecureRequested: insecureCookies || settings.insecureCookies)
            forwardedFor = try ForwardedFor(trustedProxies: trustedProxies.isEmpty ? settings.trustedProxies : trustedProxies)
        } catch {
            Terminal.error("trellis: \(error)")
            throw ExitCode.unreadable
        }
        var partnerOptions = partners
        partnerOptions.partners = partners.partners ?? settings.partnersFile
        let storeSettings = try store.settings()
        try await store.withStore(storeSettings) { store in
            // The key exists now (the store made it if it had to): its fingerprint, to pin for `audit verify --public-key`.
            let auditKey = try AuditSigningKey.loadOrCreate(at: storeSettings.resolvedSigningKeyFile).key.publicKey
            // On standard error: standard output's first line is the address, which scripts read.
            FileHandle.standardError.write(Data("""
                trellis audit signing key \(AuditSigningKey.fingerprint(auditKey)); public key \
                \(AuditSigningKey.base64(auditKey)) (pin it: trellis audit verify --public-key KEY)

                """.utf8))
            var server = try await serverSettings(settings, partners: partnerOptions, secureCookies: secureCookies, forwardedFor: forwardedFor, logger: logger)
            server.mail = mail
            do {
                let app = try await buildApplication(settings: server, store: store, services: [MallocTrimmer()], logger: logger, onRunning: { [host = server.host] port in
                    FileHandle.standardOutput.write(Data("trellis listening on http://\(host):\(port)\n".utf8))
                }, onMetricsRunning: { port in
                    FileHandle.standardOutput.write(Data("trellis metrics on http://\(TrellisApplication.loopback):\(port)/metrics\n".utf8))
                })
                try await app.runService()
            } catch let error as FirstStartImportError {
                throw CommandFailure(error.message)
            }
        }
    }

    /// The server's settings from this command's options over config/trellis.json's `serve` object, with
    /// the files they name read (taxonomy, scoring, postal centroids, partners, web templates).
    private func serverSettings(_ settings: ServeSettings, partners: PartnerOptions, secureCookies: Bool, forwardedFor: ForwardedFor,
                                logger: Logger) async throws -> TrellisServerSettings {
        let taxonomy = try ConfigFiles.taxonomyMap(explicit: nil)
        let matcher = Matcher(configuration: try MatchingFiles.scoringConfiguration(nil), centroids: try MatchingFiles.centroids(nil),
                              knownDetails: taxonomy.detailsByDomain, today: CalendarDay.today)
        var server = TrellisServerSettings(matcher: matcher)
        server.host = host ?? settings.host
        server.port = port ?? settings.port
        server.reader = DirectoryReader(taxonomy: taxonomy)
        // Pulled feeds (`directories.feeds`), swapped into matching as they change.
        let directories = try TrellisSettingsFile.load(explicit: store.config).directories
        server.feeds = try directories?.checkedFeeds() ?? []
        server.feedCache = DirectorySettings.cacheFolder(explicit: directories?.feedCache, location: try store.settings().location)
        server.uploadSpool = settings.spoolDirectory
        server.uploadLimitBytes = settings.uploadLimitMB * 1_024 * 1_024
        server.firstStartDirectories = settings.sampleDirectories
        server.partners = try partners.fileEntries()
        var delivery = DeliverySettings(concurrency: 8, perPartnerConcurrency: perPartner, lease: lease)
        delivery.retry.scale = backoffScale
        server.delivery = settings.delivery && !noDelivery ? delivery : nil
        server.pollEvery = pollEvery ?? settings.pollEverySeconds
        server.overdueEvery = overdueEvery
        server.consentSweepEvery = consentSweepEvery
        server.forwardedFor = forwardedFor
        server.metricsPort = metricsPort ?? settings.metricsPort
        server.openAPIDocument = ConfigFiles.locate("schemas/openapi.yaml", explicit: nil, environment: "TRELLIS_OPENAPI")
        if let folder = web ?? settings.webDirectory ?? ConfigFiles.locate("web", explicit: nil, environment: "TRELLIS_WEB") {
            var webSettings = WebSettings(webDirectory: folder, secureCookies: secureCookies)
            webSettings.sessionLifetime = settings.sessionHours * 3_600
            webSettings.calendar = try store.settings().calendar
            webSettings.sessionIdleLimit = TimeInterval((sessionIdleMinutes ?? settings.sessionIdleMinutes) * 60)
            do { server.web = try await WebInterface.load(webSettings) } catch {
                throw CommandFailure("\(error)")
            }
        } else {
            logger.warning("no web/ folder found: serving the API only (pass --web DIR)")
        }
        return server
    }
}
