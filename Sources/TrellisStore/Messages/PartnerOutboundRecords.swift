public import Foundation
public import TrellisCore

/// What an outbound partner message tells an agency's system about a referral it already holds.
public enum PartnerOutboundKind: String, Codable, CaseIterable, Hashable, Sendable {
    /// The person's consent was revoked or expired: the partner must stop using the details.
    case consentRevoked = "consent.revoked"
    /// A case worker's message on the referral.
    case message
}

/// One outbound partner message a delivery worker holds until its lease runs out, with what its
/// payload needs. A message's text is the person's data: claiming it is audited as a read.
public struct PartnerOutboundClaim: Sendable {
    public var id: String
    public var kind: PartnerOutboundKind
    public var referral: Referral
    public var consent: StoredConsent
    /// For `consent.revoked`: `revoked` or `expired`.
    public var reason: String?
    /// For `message`: the message, opened.
    public var message: ReferralMessage?
    public var idempotencyKey: String
    /// Attempts made before this one.
    public var attempts: Int
    /// When it was queued: the retry clock starts here.
    public var enqueuedAt: Date

    public init(id: String, kind: PartnerOutboundKind, referral: Referral, consent: StoredConsent, reason: String?, message: ReferralMessage?,
                idempotencyKey: String, attempts: Int, enqueuedAt: Date) {
        self.id = id
        self.kind = kind
        self.referral = referral
        self.consent = consent
        self.reason = reason
        self.message = message
        self.idempotencyKey = idempotencyKey
        self.attempts = attempts
        self.enqueuedAt = enqueuedAt
    }
}

/// The outcome of one claimed partner message, for the store to record with its audit record.
public struct PartnerOutboundReport: Sendable {
    public var id: String
    public var referralID: String
    public var kind: PartnerOutboundKind
    public var owner: String
    public var partnerID: String?
    /// Nil when nothing was sent.
    public var attempt: DeliveryAttempt?
    public var resolution: DeliveryResolution
    public var problem: String?

    public init(id: String, referralID: String, kind: PartnerOutboundKind, owner: String, partnerID: String?, attempt: DeliveryAttempt?,
                resolution: DeliveryResolution, problem: String? = nil) {
        self.id = id
        self.referralID = referralID
        self.kind = kind
        self.owner = owner
        self.partnerID = partnerID
        self.attempt = attempt
        self.resolution = resolution
        self.problem = problem
    }

    /// A disclosure (E) when something was sent, else an update of the queue row.
    func auditEntry(_ context: AuditContext) -> AuditEntry {
        var parts = ["partner message \(id) (\(kind.rawValue)) to \(partnerID ?? "no partner")"]
        if let attempt { parts.append(attempt.httpStatus.map { "HTTP \($0)" } ?? (attempt.errorClass ?? "no answer")) }
        parts.append(resolution.state.rawValue)
        if let why = resolution.lastError { parts.append(why) }
        let outcome: AuditEvent.Outcome = resolution == .delivered ? .success : .failure
        return attempt != nil
            ? context.entry(.execute, "referral", referralID, outcome: outcome, detail: parts.joined(separator: "; "))
            : context.entry(.update, "partner_outbound", id, outcome: outcome, detail: parts.joined(separator: "; "))
    }
}

/// A partner message in the queue, as the referral's page and the API show it.
public struct PartnerOutboundEntry: Codable, Hashable, Sendable {
    public var id: String
    public var kind: PartnerOutboundKind
    public var state: OutboxEntry.State
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastError: String?
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, kind, state, attempts
        case nextAttemptAt = "next_attempt_at", lastError = "last_error", createdAt = "created_at"
    }
}

/// The outbound partner message queue from the delivery worker's side: claimed, sent and recorded
/// exactly like the referral outbox (leases, retries, an attempt row and an audit record each time).
public protocol PartnerOutboundRepository: Sendable {
    /// Up to `limit` due messages (or whose lease ran out), leased to `owner` until `now + lease`,
    /// leaving out referrals to `skipping` organizations.
    func claimPartnerMessages(owner: String, now: Date, lease: TimeInterval, limit: Int, skipping: Set<String>,
                              context: AuditContext) async throws -> [PartnerOutboundClaim]
    /// Records each report's attempt and moves its row, audited, in one transaction.
    func recordPartnerMessages(_ reports: [PartnerOutboundReport], context: AuditContext) async throws
    /// Puts a claimed message back untried until `until` (its partner's circuit is open).
    func releasePartnerMessage(id: String, owner: String, until: Date) async throws
    /// The earliest moment a queued message becomes due; nil when none waits.
    func nextPartnerMessageDue() async throws -> Date?
    /// The referral's partner messages, oldest first (kinds and states: no person's data).
    func partnerMessages(referralID: String) async throws -> [PartnerOutboundEntry]
}

/// Messages on a referral, between the case worker's side and the agency.
public protocol ReferralMessageRepository: Sendable {
    /// Stores a message (sealed) after the rules: the referral reached the agency, and personal
    /// information only under a consent in force that covers clinical notes. A case worker's message to
    /// an agency taking referrals at an endpoint is queued for it. Audited.
    func postMessage(_ request: NewReferralMessage, context: AuditContext) async throws -> ReferralMessage
    /// The referral's messages, oldest first, opened. Audited as a read of each.
    func messages(referralID: String, context: AuditContext) async throws -> [ReferralMessage]
    /// Consents whose expiry has passed at `context.now` and not yet handled: each is marked handled,
    /// what was not yet delivered is cancelled, and the partner is told. The referrals handled.
    func sweepExpiredConsents(context: AuditContext) async throws -> [ConsentRevocation]
}

/// A message to store on a referral.
public struct NewReferralMessage: Sendable {
    public var referralID: String
    public var fromParty: ReferralParty
    public var text: String
    public var containsPersonalInformation: Bool
    /// A partner's own message (signed): its id is refused when seen before, and the referral must be its.
    public var partnerMessage: StatusChangeRequest.PartnerMessage?

    public init(referralID: String, fromParty: ReferralParty, text: String, containsPersonalInformation: Bool,
                partnerMessage: StatusChangeRequest.PartnerMessage? = nil) {
        self.referralID = referralID
        self.fromParty = fromParty
        self.text = text
        self.containsPersonalInformation = containsPersonalInformation
        self.partnerMessage = partnerMessage
    }
}
