public import Foundation
public import TrellisCore

/// A referral a delivery worker holds until its lease runs out, with everything its payload needs.
/// Claiming reads the person's data, so it is audited as a read for each referral.
public struct DeliveryClaim: Sendable {
    public var referral: Referral
    public var idempotencyKey: String
    /// Attempts made before this one.
    public var attempts: Int
    /// When the referral joined the outbox (or was sent again by hand): the retry clock starts here.
    public var enqueuedAt: Date
    public var consent: StoredConsent
    public var person: PersonDetails
    /// Nil when the service has left the directory since the referral was made.
    public var service: Service?
}

/// One try at sending a referral, as recorded.
public struct DeliveryAttempt: Codable, Hashable, Sendable {
    public enum Outcome: String, Codable, Hashable, Sendable {
        case delivered
        /// Will be tried again.
        case retry
        case failed
        case undeliverable
    }

    public var at: Date
    public var durationMS: Double
    public var httpStatus: Int?
    /// `connect`, `timeout`, `tls`, `network`, `refused`, `http` (a non-2xx answer) or `payload`.
    public var errorClass: String?
    public var responseExcerpt: String?
    public var outcome: Outcome

    public init(at: Date, durationMS: Double, httpStatus: Int? = nil, errorClass: String? = nil, responseExcerpt: String? = nil,
                outcome: Outcome) {
        self.at = at
        self.durationMS = durationMS
        self.httpStatus = httpStatus
        self.errorClass = errorClass
        self.responseExcerpt = responseExcerpt
        self.outcome = outcome
    }

    enum CodingKeys: String, CodingKey {
        case at, outcome
        case durationMS = "duration_ms", httpStatus = "http_status", errorClass = "error_class", responseExcerpt = "response_excerpt"
    }
}

/// What becomes of a claimed referral after an attempt (or instead of one).
public enum DeliveryResolution: Hashable, Sendable {
    case delivered
    case retry(at: Date)
    /// Permanent: recorded with the response, visible, sent again only by hand.
    case failed(String)
    /// The partner's endpoint is gone (410).
    case undeliverable(String)
    /// Not to be sent at all (consent no longer in force, referral withdrawn): nothing left the system.
    case cancelled(String)

    var state: OutboxEntry.State {
        switch self {
        case .delivered: .delivered
        case .retry: .pending
        case .failed: .failed
        case .undeliverable: .undeliverable
        case .cancelled: .cancelled
        }
    }

    var lastError: String? {
        switch self {
        case .delivered, .retry: nil
        case .failed(let why), .undeliverable(let why), .cancelled(let why): why
        }
    }

    var nextAttemptAt: Date? {
        if case .retry(let at) = self { return at }
        return nil
    }
}

/// The outcome of one claim, for the store to record with its audit record.
public struct DeliveryReport: Sendable {
    public var referralID: String
    /// The worker that claimed it; a row another worker has since taken over is left alone.
    public var owner: String
    public var partnerID: String?
    /// Nil when nothing was sent.
    public var attempt: DeliveryAttempt?
    public var resolution: DeliveryResolution
    /// The consent categories the payload carried.
    public var disclosed: [Consent.Category]
    /// A retry's `lastError`: what went wrong this time.
    public var problem: String?

    public init(referralID: String, owner: String, partnerID: String?, attempt: DeliveryAttempt?, resolution: DeliveryResolution,
                disclosed: [Consent.Category], problem: String? = nil) {
        self.referralID = referralID
        self.owner = owner
        self.partnerID = partnerID
        self.attempt = attempt
        self.resolution = resolution
        self.disclosed = disclosed
        self.problem = problem
    }

    /// The audit record for this report: a disclosure (E) when something was sent, else an outbox update.
    func auditEntry(_ context: AuditContext) -> AuditEntry {
        let outcome: AuditEvent.Outcome = resolution == .delivered ? .success : .failure
        // A delivery without an attempt of its own is one the agency's answer confirmed after a restart:
        // still a disclosure.
        return attempt != nil || resolution == .delivered
            ? context.entry(.execute, "referral", referralID, outcome: outcome, detail: "disclosure " + auditDetail)
            : context.entry(.update, "outbox", referralID, outcome: outcome, detail: auditDetail)
    }

    var auditDetail: String {
        var parts = ["to \(partnerID ?? "no partner")"]
        if let attempt {
            parts.append(attempt.httpStatus.map { "HTTP \($0)" } ?? (attempt.errorClass ?? "no answer"))
        } else if resolution == .delivered {
            parts.append("confirmed by the agency's answer (sent before a restart that lost the attempt's record)")
        }
        if attempt != nil || resolution == .delivered {
            parts.append("disclosed " + (disclosed.isEmpty ? "the referral only" : disclosed.map(\.rawValue).joined(separator: ",")))
        }
        parts.append(resolution.state.rawValue)
        return parts.joined(separator: "; ")
    }
}

extension DeliveryRepository {
    public func recordDelivery(_ report: DeliveryReport, context: AuditContext) async throws {
        try await recordDeliveries([report], context: context)
    }
}

/// The outbox from the delivery worker's side. On PostgreSQL several workers share it safely
/// (`FOR UPDATE SKIP LOCKED`); a claim whose worker died is taken over once its lease runs out.
public protocol DeliveryRepository: Sendable {
    /// Up to `limit` rows due at `now` (or whose lease ran out), leased to `owner` until `now + lease`,
    /// leaving out referrals to `skipping` organizations (those whose partner has no free delivery slot).
    func claimDeliveries(owner: String, now: Date, lease: TimeInterval, limit: Int, skipping: Set<String>,
                         context: AuditContext) async throws -> [DeliveryClaim]
    /// Records each report's attempt (if one was made), moves its outbox row and audits the disclosure,
    /// all in one transaction (a worker records what finished together, to spare a commit per referral).
    func recordDeliveries(_ reports: [DeliveryReport], context: AuditContext) async throws
    /// Puts a claimed row back untried until `until` (its partner's circuit is open).
    func releaseDelivery(referralID: String, owner: String, until: Date) async throws
    /// Marks every pending row for these organizations undeliverable (their partner answered 410).
    func markUndeliverable(organizations: [String], reason: String, context: AuditContext) async throws -> [String]
    /// Sends a failed, undeliverable or waiting referral again now, with the same Idempotency-Key.
    func retryDelivery(referralID: String, context: AuditContext) async throws -> OutboxEntry
    func deliveryAttempts(referralID: String) async throws -> [DeliveryAttempt]
    /// The earliest moment a row becomes due (now or in the past when some are due); nil when none waits.
    func nextDeliveryDue() async throws -> Date?
}

extension DeliveryRepository {
    /// Up to `limit` rows due at `now`, for every organization.
    public func claimDeliveries(owner: String, now: Date, lease: TimeInterval, limit: Int, context: AuditContext) async throws -> [DeliveryClaim] {
        try await claimDeliveries(owner: owner, now: now, lease: lease, limit: limit, skipping: [], context: context)
    }
}
