public import Foundation
import TrellisCore
import TrellisStore

/// The outbound partner message queue (`consent.revoked`, case workers' messages), sent by the same
/// worker as referrals: the same signing, retry policy, circuit breaker and a recorded, audited attempt
/// each time. Only partners taking referrals at an endpoint have anything queued.
extension DeliveryWorker {
    /// What one round of partner messages did.
    public struct MessageTally: Codable, Hashable, Sendable {
        public var delivered = 0
        public var retrying = 0
        public var failed = 0
        public var cancelled = 0
        public var paused = 0

        public init() {}

        mutating func count(_ resolution: DeliveryResolution?) {
            switch resolution {
            case nil: paused += 1
            case .delivered: delivered += 1
            case .retry: retrying += 1
            case .failed, .undeliverable: failed += 1
            case .cancelled: cancelled += 1
            }
        }

        mutating func add(_ other: MessageTally) {
            delivered += other.delivered
            retrying += other.retrying
            failed += other.failed
            cancelled += other.cancelled
            paused += other.paused
        }
    }

    /// Claims one batch of due partner messages, sends them (`concurrency` at a time) and records them.
    public func deliverPartnerMessages() async throws -> (claimed: Int, tally: MessageTally) {
        guard let outbound else { return (0, MessageTally()) }
        let claims = try await outbound.claimPartnerMessages(owner: owner, now: now(), lease: settings.lease, limit: settings.batchSize,
                                                             skipping: [], context: context)
        var tally = MessageTally()
        var reports: [PartnerOutboundReport] = []
        try await withThrowingTaskGroup(of: PartnerOutboundReport?.self) { group in
            var next = claims.makeIterator()
            for _ in 0..<max(1, settings.concurrency) { if let claim = next.next() { group.addTask { try await self.send(claim, through: outbound) } } }
            while let report = try await group.next() {
                tally.count(report?.resolution)
                if let report { reports.append(report) }
                if let claim = next.next() { group.addTask { try await self.send(claim, through: outbound) } }
            }
        }
        try await outbound.recordPartnerMessages(reports, context: context)
        return (claims.count, tally)
    }

    /// Sends everything due, and waits for retries that come due within `maxWait` seconds.
    public func drainPartnerMessages(maxWait: TimeInterval) async throws -> MessageTally {
        guard let outbound else { return MessageTally() }
        var total = MessageTally()
        while !Task.isCancelled {
            let (claimed, tally) = try await deliverPartnerMessages()
            total.add(tally)
            if claimed > 0 { continue }
            guard let due = try await outbound.nextPartnerMessageDue() else { break }
            let wait = due.timeIntervalSince(now())
            guard wait <= maxWait else { break }
            try await Task.sleep(for: .seconds(min(max(wait, 0.005), settings.idlePoll)))
        }
        return total
    }

    /// The queue's loop inside the server, beside the referrals' pump: a failing database is logged and
    /// retried, never the end of the worker.
    func runPartnerMessages() async {
        guard let outbound else { return }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let (claimed, _) = try await deliverPartnerMessages()
                if claimed == 0 {
                    let due = try await outbound.nextPartnerMessageDue()
                    await Self.pause(due.map { min(max($0.timeIntervalSince(now()), 0.005), settings.idlePoll) } ?? settings.idlePoll)
                }
            } catch {
                logger.error("partner messages hit an error; trying again shortly", metadata: ["error.type": "\(type(of: error))"])
                await Self.pause(max(settings.idlePoll, 1) * 5)
            }
        }
    }

    /// Sends one claimed message; nil when it was put back untried (the partner's circuit is open).
    func send(_ claim: PartnerOutboundClaim, through outbound: any PartnerOutboundRepository) async throws -> PartnerOutboundReport? {
        let started = now()
        func finish(_ partner: Partner?, _ attempt: DeliveryAttempt?, _ resolution: DeliveryResolution, problem: String? = nil) -> PartnerOutboundReport {
            PartnerOutboundReport(id: claim.id, referralID: claim.referral.id, kind: claim.kind, owner: owner, partnerID: partner?.id,
                                  attempt: attempt, resolution: resolution, problem: problem)
        }
        guard let partner = partners.partner(answeringFor: claim.referral.organizationID) else {
            return finish(nil, nil, .failed("no partner answers for organization \(claim.referral.organizationID)"))
        }
        guard partner.delivery == .endpoint else {
            return finish(partner, nil, .cancelled("partner \(partner.id) takes referrals in the inbox: the inbox shows it"))
        }
        if let until = breaker.permit(partner.id, now: started) {
            try await outbound.releasePartnerMessage(id: claim.id, owner: owner, until: until)
            return nil
        }
        let request: OutgoingRequest
        do {
            let (body, contentType) = try PartnerMessagePayload.render(claim, format: partner.format, now: started)
            request = try PartnerRequest.partnerMessage(body: body, contentType: contentType, to: partner, idempotencyKey: claim.idempotencyKey,
                                                        now: started, environment: environment)
        } catch let problem as PartnerMessagePayload.Problem {
            return finish(partner, nil, .cancelled(problem.description))
        } catch {
            return finish(partner, nil, .failed("\(error)"))
        }
        let verdict: DeliveryVerdict
        var attempt: DeliveryAttempt
        let problem: String
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
            _ = breaker.failed(partner.id, now: now())
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
        logger.debug("partner message attempt", metadata: ["referral.id": "\(claim.referral.id)", "partner.id": "\(partner.id)",
                                                           "message.kind": "\(claim.kind.rawValue)", "delivery.outcome": "\(attempt.outcome.rawValue)"])
        return finish(partner, attempt, resolution, problem: verdict == .delivered ? nil : problem)
    }
}
