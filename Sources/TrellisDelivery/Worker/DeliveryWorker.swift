public import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization
import TrellisCore
public import TrellisStore

/// The outbox's consumer: claims due referrals, sends each to its partner over libcurl, records every
/// attempt and audits each disclosure. At least once: a claim whose worker died is taken over when its
/// lease runs out and sent again with the same Idempotency-Key. Runs as a service inside the server,
/// or from `trellis deliver`.
public final class DeliveryWorker: ServiceLifecycle.Service, Sendable {
    /// What a drain did.
    public struct Tally: Codable, Hashable, Sendable {
        public var delivered = 0
        public var retrying = 0
        public var failed = 0
        public var undeliverable = 0
        public var cancelled = 0
        /// Put back untried because the partner's circuit was open.
        public var paused = 0
        public var attempts = 0

        public init() {}

        mutating func count(_ report: DeliveryReport) {
            if report.attempt != nil { attempts += 1 }
            switch report.resolution {
            case .delivered: delivered += 1
            case .retry: retrying += 1
            case .failed: failed += 1
            case .undeliverable: undeliverable += 1
            case .cancelled: cancelled += 1
            }
        }

        mutating func add(_ other: Tally) {
            delivered += other.delivered; retrying += other.retrying; failed += other.failed
            undeliverable += other.undeliverable; cancelled += other.cancelled; paused += other.paused; attempts += other.attempts
        }

        enum CodingKeys: String, CodingKey { case delivered, retrying, failed, undeliverable, cancelled, paused, attempts }
    }

    let store: any TrellisStore
    let partners: PartnerBook
    let client: CurlClient
    let settings: DeliverySettings
    let breaker: CircuitBreaker
    let logger: Logger
    /// Who holds claims: unique per worker, so a restarted worker never mistakes old claims for its own.
    public let owner: String
    let now: @Sendable () -> Date
    let environment: [String: String]
    /// Partners that answered 410, and when: claims already in hand for them are not sent.
    private let gone = Mutex<[String: Date]>([:])

    public init(store: any TrellisStore, partners: PartnerBook, client: CurlClient, settings: DeliverySettings = DeliverySettings(),
                logger: Logger, now: @escaping @Sendable () -> Date = Date.init,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.store = store
        self.partners = partners
        self.client = client
        self.settings = settings
        self.breaker = CircuitBreaker(threshold: settings.breakerThreshold, coolDown: settings.breakerCoolDown * settings.retry.scale)
        self.logger = logger
        self.owner = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
        self.now = now
        self.environment = environment
    }

    var context: AuditContext { AuditContext(actor: "system:delivery", purpose: "treatment", now: now()) }

    /// Delivers until cancelled or a graceful shutdown; the claims in flight finish first.
    public func run() async throws {
        logger.info("delivery worker started", metadata: ["delivery.owner": "\(owner)", "delivery.partners": "\(partners.partners.count)"])
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let round = try await deliverDue()
            if round.claimed == 0 {
                let wait = try await idleWait()
                try? await Task.sleep(for: .seconds(wait))
            }
        }
        logger.info("delivery worker stopped", metadata: ["delivery.owner": "\(owner)"])
    }

    /// Delivers everything due, and waits for retries that come due within `maxWait` seconds.
    /// `progress` hears the running tally after each round.
    public func drain(maxWait: TimeInterval, progress: (Tally) -> Void = { _ in }) async throws -> Tally {
        var tally = Tally()
        while !Task.isCancelled {
            let round = try await deliverDue()
            tally.add(round.tally)
            if round.claimed > 0 {
                progress(tally)
                continue
            }
            guard let due = try await store.nextDeliveryDue() else { break }
            let wait = due.timeIntervalSince(now())
            guard wait <= maxWait else { break }
            try await Task.sleep(for: .seconds(min(max(wait, 0.01), settings.idlePoll)))
        }
        return tally
    }

    private func idleWait() async throws -> TimeInterval {
        guard let due = try await store.nextDeliveryDue() else { return settings.idlePoll }
        return min(max(due.timeIntervalSince(now()), 0.01), settings.idlePoll)
    }

    /// One round: claims a batch and sends it, `concurrency` at a time.
    public func deliverDue() async throws -> (claimed: Int, tally: Tally) {
        let claims = try await store.claimDeliveries(owner: owner, now: now(), lease: settings.lease, limit: settings.batchSize, context: context)
        guard !claims.isEmpty else { return (0, Tally()) }
        var tally = Tally()
        try await withThrowingTaskGroup(of: DeliveryReport?.self) { group in
            var next = claims.makeIterator()
            func startNext() {
                guard let claim = next.next() else { return }
                group.addTask { try await self.deliver(claim) }
            }
            for _ in 0..<settings.concurrency { startNext() }
            while let report = try await group.next() {
                if let report { tally.count(report) } else { tally.paused += 1 }
                startNext()
            }
        }
        return (claims.count, tally)
    }

    /// Sends one claimed referral and records what happened. Nil when it was put back untried.
    func deliver(_ claim: DeliveryClaim) async throws -> DeliveryReport? {
        let referral = claim.referral
        let started = now()
        func finish(_ partner: Partner?, _ attempt: DeliveryAttempt?, _ resolution: DeliveryResolution,
                    disclosed: [Consent.Category] = [], problem: String? = nil) async throws -> DeliveryReport {
            let report = DeliveryReport(referralID: referral.id, owner: owner, partnerID: partner?.id, attempt: attempt,
                                        resolution: resolution, disclosed: disclosed, problem: problem)
            try await store.recordDelivery(report, context: context)
            return report
        }
        guard referral.status == .requested else {
            return try await finish(nil, nil, .cancelled("the referral is \(referral.status.rawValue)"))
        }
        guard let partner = partners.partner(answeringFor: referral.organizationID) else {
            return try await finish(nil, nil, .failed("no partner answers for organization \(referral.organizationID): add one, then send again"))
        }
        if let goneAt = gone.withLock({ $0[partner.id] }), started.timeIntervalSince(goneAt) < settings.lease {
            // Marked undeliverable with the rest of the partner's queue when the 410 came.
            return DeliveryReport(referralID: referral.id, owner: owner, partnerID: partner.id, attempt: nil,
                                  resolution: .undeliverable("the partner's endpoint answered 410 Gone"), disclosed: [])
        }
        if let until = breaker.permit(partner.id, now: started) {
            try await store.releaseDelivery(referralID: referral.id, owner: owner, until: until)
            return nil
        }
        guard let service = claim.service else {
            return try await finish(partner, nil, .failed("service \(referral.serviceID) is no longer in the stored directory"))
        }
        guard let disclosure = ReferralDisclosure(referral: referral, consentID: claim.consent.id, consent: claim.consent.consent,
                                                  profile: claim.person.profile, note: claim.person.note, service: service,
                                                  partner: partner, now: started) else {
            return try await finish(partner, nil, .cancelled("the consent is no longer in force: nothing was sent"))
        }
        let request: OutgoingRequest
        do {
            request = try PartnerRequest.referral(disclosure, to: partner, idempotencyKey: claim.idempotencyKey, now: started,
                                                  environment: environment)
        } catch {
            return try await finish(partner, nil, .failed("\(error)"))
        }

        let verdict: DeliveryVerdict
        var attempt: DeliveryAttempt
        var problem: String
        do {
            let response = try await client.send(request, settings: PartnerRequest.transport(for: partner, base: settings.transport),
                                                 connectionKey: partner.id)
            verdict = .of(response, now: now())
            problem = "HTTP \(response.status): \(response.excerpt)"
            attempt = DeliveryAttempt(at: started, durationMS: Self.milliseconds(response.duration), httpStatus: response.status,
                                      errorClass: verdict == .delivered ? nil : "http", responseExcerpt: response.excerpt, outcome: .delivered)
        } catch let error as TransportError {
            verdict = .of(error)
            problem = error.description
            attempt = DeliveryAttempt(at: started, durationMS: Self.milliseconds(error.duration), errorClass: error.kind.rawValue,
                                      responseExcerpt: error.message, outcome: .retry)
        }

        let resolution: DeliveryResolution
        switch verdict {
        case .delivered:
            breaker.succeeded(partner.id)
            resolution = .delivered
        case .retry(let retryAfter):
            if breaker.failed(partner.id, now: now()) {
                logger.warning("partner circuit opened: pausing its queue", metadata: [
                    "partner.id": "\(partner.id)", "delivery.cool_down_s": "\(settings.breakerCoolDown * settings.retry.scale)"])
            }
            var random = SystemRandomNumberGenerator()
            if let delay = settings.retry.delay(afterAttempt: claim.attempts + 1, firstAttemptAt: claim.enqueuedAt, now: now(),
                                                retryAfter: retryAfter, random: &random) {
                resolution = .retry(at: now().addingTimeInterval(delay))
            } else {
                resolution = .failed("gave up after \(claim.attempts + 1) attempts: \(problem)")
            }
        case .permanent:
            resolution = .failed(problem)
        case .gone:
            resolution = .undeliverable("the partner's endpoint answered 410 Gone: \(problem)")
        }
        attempt.outcome = switch resolution {
        case .delivered: .delivered
        case .retry: .retry
        case .undeliverable: .undeliverable
        case .failed, .cancelled: .failed
        }
        let report = try await finish(partner, attempt, resolution, disclosed: disclosure.categories, problem: verdict == .delivered ? nil : problem)
        if verdict == .gone {
            gone.withLock { $0[partner.id] = now() }
            let others = try await store.markUndeliverable(organizations: partner.organizations,
                                                           reason: "partner \(partner.id)'s endpoint answered 410 Gone", context: context)
            // An alert: a partner has switched its endpoint off, and its referrals wait for a person to act.
            logger.critical("partner endpoint gone (410): its pending referrals are marked undeliverable", metadata: [
                "partner.id": "\(partner.id)", "referral.id": "\(referral.id)", "delivery.undeliverable": "\(others.count + 1)"])
        }
        logger.debug("delivery attempt", metadata: ["referral.id": "\(referral.id)", "partner.id": "\(partner.id)",
                                                    "delivery.outcome": "\(attempt.outcome.rawValue)", "http.status": "\(attempt.httpStatus ?? 0)"])
        return report
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
    }
}
