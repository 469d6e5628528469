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

        mutating func count(_ handled: Handled, into finished: inout [DeliveryReport]) {
            switch handled {
            case .report(let report): finished.append(report)
            case .paused: paused += 1
            case .gone: undeliverable += 1
            case .tick: break
            }
        }
    }

    /// The outbox: claims, reports, releases. The worker reads nothing else of the store.
    let store: any DeliveryRepository
    /// The outbound partner message queue, when the store keeps one (every `TrellisStore` does).
    let outbound: (any PartnerOutboundRepository)?
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

    public init(store: any DeliveryRepository, partners: PartnerBook, client: CurlClient, settings: DeliverySettings = DeliverySettings(),
                logger: Logger, now: @escaping @Sendable () -> Date = Date.init,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.store = store
        outbound = store as? any PartnerOutboundRepository
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

    /// What became of one claim.
    enum Handled: Sendable {
        /// Sent (or settled without sending): to be recorded.
        case report(DeliveryReport)
        /// Put back untried: the partner's circuit is open.
        case paused
        /// Not sent: the partner answered 410 meanwhile, and its queue was marked undeliverable.
        case gone
        /// Not a delivery: time to look for newly due rows while requests are out.
        case tick
    }

    /// Delivers until cancelled or a graceful shutdown; the requests in flight finish and are recorded
    /// first. A failing database is logged and retried, never the end of the worker.
    public func run() async throws {
        logger.info("delivery worker started", metadata: ["delivery.owner": "\(owner)", "delivery.partners": "\(partners.partners.count)"])
        await withTaskGroup(of: Void.self) { group in
            // Partner messages have a loop of their own, so a long referral round never holds up a revocation.
            group.addTask { await self.runPartnerMessages() }
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                do {
                    _ = try await pump(stopWhenIdle: false, maxWait: 0) { _ in }
                } catch {
                    logger.error("delivery worker hit an error; trying again shortly", metadata: ["error.type": "\(type(of: error))", "error": "\(error)"])
                    await Self.pause(max(settings.idlePoll, 1) * 5)
                }
            }
        }
        logger.info("delivery worker stopped", metadata: ["delivery.owner": "\(owner)"])
    }

    /// Delivers everything due, and waits for retries that come due within `maxWait` seconds.
    /// `progress` hears the running tally each time finished deliveries are recorded.
    public func drain(maxWait: TimeInterval, progress: (Tally) -> Void = { _ in }) async throws -> Tally {
        try await pump(stopWhenIdle: true, maxWait: maxWait, progress: progress)
    }

    /// One round, for tests and tools: claims one batch, sends it and records it.
    public func deliverDue() async throws -> (claimed: Int, tally: Tally) {
        let claims = try await store.claimDeliveries(owner: owner, now: now(), lease: settings.lease, limit: settings.batchSize, context: context)
        var tally = Tally()
        var finished: [DeliveryReport] = []
        try await withThrowingTaskGroup(of: Handled.self) { group in
            var next = claims.makeIterator()
            for _ in 0..<settings.concurrency { if let claim = next.next() { group.addTask { try await self.deliver(claim) } } }
            while let handled = try await group.next() {
                tally.count(handled, into: &finished)
                if let claim = next.next() { group.addTask { try await self.deliver(claim) } }
            }
        }
        try await record(&finished, into: &tally)
        return (claims.count, tally)
    }

    /// Keeps `concurrency` deliveries in flight, claiming more as slots free, and records finished ones
    /// together. No partner holds more than `perPartnerConcurrency` slots: a claim for a partner whose
    /// slots are all taken waits in the queue, and new claims leave that partner out, so a partner that
    /// hangs never holds up the others. While requests are out, new rows are
    /// looked for every `idlePoll`, not only when a request ends.
    private func pump(stopWhenIdle: Bool, maxWait: TimeInterval, progress: (Tally) -> Void) async throws -> Tally {
        var tally = Tally()
        var queue: [Queued] = []
        var finished: [DeliveryReport] = []
        var slots = PartnerSlots(limit: settings.perPartnerConcurrency)
        func stopping() -> Bool { Task.isCancelled || Task.isShuttingDownGracefully }
        try await withThrowingTaskGroup(of: (partnerID: String?, handled: Handled).self) { group in
            var inFlight = 0
            var ticking = false
            while true {
                if inFlight < settings.concurrency && !stopping() && !queue.contains(where: { slots.hasRoom($0.partnerID) }) {
                    // Record first, so what is due reflects what just finished.
                    if !finished.isEmpty { try await record(&finished, into: &tally); progress(tally) }
                    try await handBackStale(&queue)
                    let claimedAt = now()
                    let claims = try await store.claimDeliveries(owner: owner, now: claimedAt, lease: settings.lease, limit: settings.batchSize,
                                                                 skipping: skippedOrganizations(slots), context: context)
                    queue += claims.map { Queued(claim: $0, partnerID: partners.partner(answeringFor: $0.referral.organizationID)?.id,
                                                 claimedAt: claimedAt) }
                }
                var index = 0
                while inFlight < settings.concurrency, !stopping(), index < queue.count {
                    guard slots.take(queue[index].partnerID) else { index += 1; continue }
                    let next = queue.remove(at: index)
                    group.addTask { (next.partnerID, try await self.deliver(next.claim)) }
                    inFlight += 1
                }
                if inFlight == 0 {
                    if !finished.isEmpty { try await record(&finished, into: &tally); progress(tally) }
                    if stopping() { break }
                    if stopWhenIdle {
                        guard let due = try await store.nextDeliveryDue() else { break }
                        let wait = due.timeIntervalSince(now())
                        guard wait <= maxWait else { break }
                        try await Task.sleep(for: .seconds(min(max(wait, 0.005), settings.idlePoll)))
                    } else {
                        await Self.pause(try await idleWait())
                    }
                    continue
                }
                if !ticking && inFlight < settings.concurrency && !stopping() {
                    let poll = settings.idlePoll
                    group.addTask { await Self.pause(poll); return (nil, .tick) }
                    ticking = true
                }
                guard let (partnerID, handled) = try await group.next() else { continue }
                if case .tick = handled { ticking = false; continue }
                inFlight -= 1
                slots.give(partnerID)
                tally.count(handled, into: &finished)
                if finished.count >= settings.recordBatch { try await record(&finished, into: &tally); progress(tally) }
            }
        }
        // Stopped with claims not yet started: hand them back now rather than at the lease's end.
        for queued in queue { try? await store.releaseDelivery(referralID: queued.claim.referral.id, owner: owner, until: now()) }
        try await record(&finished, into: &tally)
        return tally
    }

    /// A claim not yet sent.
    private struct Queued: Sendable {
        let claim: DeliveryClaim
        let partnerID: String?
        let claimedAt: Date
    }

    /// Claims that waited a quarter of the lease for their partner's slots go back to the outbox, well
    /// before the lease runs out and another worker could take them over.
    private func handBackStale(_ queue: inout [Queued]) async throws {
        let cutoff = now().addingTimeInterval(-settings.lease / 4)
        let stale = queue.filter { $0.claimedAt < cutoff }
        guard !stale.isEmpty else { return }
        queue.removeAll { $0.claimedAt < cutoff }
        for queued in stale { try await store.releaseDelivery(referralID: queued.claim.referral.id, owner: owner, until: now()) }
    }

    /// Organizations whose partner has no free slot: not to be claimed now. (A partner whose circuit is
    /// open is not left out here: its claims are put back until the circuit's cool-down ends, so the
    /// queue's next due time says when it will be tried.)
    private func skippedOrganizations(_ slots: PartnerSlots) -> Set<String> {
        var skipped: Set<String> = []
        for partner in partners.partners where slots.isFull(partner.id) {
            skipped.formUnion(partner.organizations)
        }
        return skipped
    }

    /// Sleeps, but wakes for a graceful shutdown (SIGTERM) as well as for cancellation: a shutdown
    /// must not wait out an idle pause.
    static func pause(_ seconds: TimeInterval) async {
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(seconds)) }
    }

    private func idleWait() async throws -> TimeInterval {
        guard let due = try await store.nextDeliveryDue() else { return settings.idlePoll }
        return min(max(due.timeIntervalSince(now()), 0.005), settings.idlePoll)
    }

    /// Records finished deliveries in one transaction; then, for partners that answered 410, marks the
    /// rest of their queue undeliverable and raises the alert.
    private func record(_ finished: inout [DeliveryReport], into tally: inout Tally) async throws {
        guard !finished.isEmpty else { return }
        try await store.recordDeliveries(finished, context: context)
        for report in finished {
            tally.count(report)
            guard report.attempt?.httpStatus == 410, let partner = report.partnerID.flatMap(partners.partner(id:)) else { continue }
            let others = try await store.markUndeliverable(organizations: partner.organizations,
                                                           reason: "partner \(partner.id)'s endpoint answered 410 Gone", context: context)
            // An alert: a partner has switched its endpoint off, and its referrals wait for a person to act.
            logger.critical("partner endpoint gone (410): its pending referrals are marked undeliverable", metadata: [
                "partner.id": "\(partner.id)", "referral.id": "\(report.referralID)", "delivery.undeliverable": "\(others.count + 1)"])
        }
        finished.removeAll()
    }

    /// Sends one claimed referral and says what happened; the caller records it.
    func deliver(_ claim: DeliveryClaim) async throws -> Handled {
        let referral = claim.referral
        let started = now()
        func finish(_ partner: Partner?, _ attempt: DeliveryAttempt?, _ resolution: DeliveryResolution,
                    disclosed: [Consent.Category] = [], problem: String? = nil) -> Handled {
            .report(DeliveryReport(referralID: referral.id, owner: owner, partnerID: partner?.id, attempt: attempt,
                                   resolution: resolution, disclosed: disclosed, problem: problem))
        }
        guard referral.status == .requested else {
            if referral.firstAnsweredAt != nil, let partner = partners.partner(answeringFor: referral.organizationID) {
                // The agency has answered, so it holds the referral: it was sent before a restart that
                // lost the attempt's record. The row is delivered, and the disclosure audited.
                let disclosed = claim.consent.consent.allowedCategories(for: referral.organizationID, at: referral.requestedAt ?? referral.createdAt)
                return finish(partner, nil, .delivered, disclosed: disclosed)
            }
            return finish(nil, nil, .cancelled("the referral is \(referral.status.rawValue)"))
        }
        guard let partner = partners.partner(answeringFor: referral.organizationID) else {
            return finish(nil, nil, .failed("no partner answers for organization \(referral.organizationID): add one, then send again"))
        }
        if let goneAt = gone.withLock({ $0[partner.id] }), started.timeIntervalSince(goneAt) < settings.lease {
            // Marked undeliverable with the rest of the partner's queue when the 410 is recorded.
            return .gone
        }
        if let until = breaker.permit(partner.id, now: started) {
            try await store.releaseDelivery(referralID: referral.id, owner: owner, until: until)
            return .paused
        }
        guard let service = claim.service else {
            return finish(partner, nil, .failed("service \(referral.serviceID) is no longer in the stored directory"))
        }
        guard let disclosure = ReferralDisclosure(referral: referral, consentID: claim.consent.id, consent: claim.consent.consent,
                                                  profile: claim.person.profile, note: claim.person.note, service: service,
                                                  partner: partner, now: started) else {
            return finish(partner, nil, .cancelled("the consent is no longer in force: nothing was sent"))
        }
        let request: OutgoingRequest
        do {
            request = try PartnerRequest.referral(disclosure, to: partner, idempotencyKey: claim.idempotencyKey, now: started,
                                                  environment: environment)
        } catch {
            return finish(partner, nil, .failed("\(error)"))
        }

        let verdict: DeliveryVerdict
        var attempt: DeliveryAttempt
        var problem: String
        do {
            let response = try await client.send(request, settings: PartnerRequest.transport(for: partner, base: settings.transport),
                                                 connectionKey: partner.id)
            verdict = .of(response, now: now())
            problem = "HTTP \(response.status): \(response.excerpt)"
            attempt = DeliveryAttempt(at: started, durationMS: response.duration.milliseconds, httpStatus: response.status,
                                      errorClass: verdict == .delivered ? nil : "http", responseExcerpt: response.excerpt, outcome: .delivered)
        } catch let error as TransportError {
            verdict = .of(error)
            problem = error.description
            attempt = DeliveryAttempt(at: started, durationMS: error.duration.milliseconds, errorClass: error.kind.rawValue,
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
        if verdict == .gone { gone.withLock { $0[partner.id] = now() } }
        logger.debug("delivery attempt", metadata: ["referral.id": "\(referral.id)", "partner.id": "\(partner.id)",
                                                    "delivery.outcome": "\(attempt.outcome.rawValue)", "http.status": "\(attempt.httpStatus ?? 0)"])
        return finish(partner, attempt, resolution, disclosed: disclosure.categories, problem: verdict == .delivered ? nil : problem)
    }
}
