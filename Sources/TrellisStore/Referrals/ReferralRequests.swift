public import Foundation
public import TrellisCore

/// A referral to create: the person's needs profile (with name and contact details when consented),
/// the chosen service and the consent the case worker recorded.
public struct NewReferral: Sendable {
    public var profile: NeedsProfile
    public var serviceID: String
    public var consent: Consent
    /// Kept as a draft instead of being sent.
    public var draft: Bool
    /// A note for the agency; sealed at rest like the person's details.
    public var note: String?
    public var source: ReferralStatusChange.Source
    /// The referring case worker's organization.
    public var referrerOrganizationID: String?
    /// The client's key for this creation (its Idempotency-Key): the same key from the same actor again
    /// returns the referral made the first time instead of making another.
    public var requestKey: String?
    /// The same person's rejected or failed referral (of the same referring organization) this one follows.
    public var previousReferralID: String?

    public init(profile: NeedsProfile, serviceID: String, consent: Consent, draft: Bool = false, note: String? = nil,
                source: ReferralStatusChange.Source = .api, referrerOrganizationID: String? = nil, requestKey: String? = nil,
                previousReferralID: String? = nil) {
        self.previousReferralID = previousReferralID?.nonBlank
        self.profile = profile
        self.serviceID = serviceID
        self.consent = consent
        self.draft = draft
        self.note = note
        self.source = source
        self.referrerOrganizationID = referrerOrganizationID
        self.requestKey = requestKey
    }
}

/// A move of one referral to a new status, by one party.
public struct StatusChangeRequest: Sendable {
    public var referralID: String
    public var status: ReferralStatus
    public var party: ReferralParty
    public var reason: String?
    public var source: ReferralStatusChange.Source
    /// The version the caller read; when set, a referral changed since is a conflict and nothing changes.
    public var expectedVersion: Int?
    /// For an answer from a partner: who sent it, the organizations it answers for, and its message id.
    /// The move is refused for another organization's referral, and a message id seen before is a replay.
    public var partnerMessage: PartnerMessage?
    /// How it ended or why it was turned down (completed, failed, rejected); checked against the status.
    public var outcome: ReferralOutcome?
    /// A contact attempt, with `in-progress`: recorded in the history even when it is already in progress.
    public var businessStatus: ReferralBusinessStatus?

    public struct PartnerMessage: Hashable, Sendable {
        public var partnerID: String
        public var organizations: [String]
        public var messageID: String

        public init(partnerID: String, organizations: [String], messageID: String) {
            self.partnerID = partnerID
            self.organizations = organizations
            self.messageID = messageID
        }
    }

    public init(referralID: String, status: ReferralStatus, party: ReferralParty, reason: String? = nil,
                source: ReferralStatusChange.Source = .api, expectedVersion: Int? = nil, partnerMessage: PartnerMessage? = nil,
                outcome: ReferralOutcome? = nil, businessStatus: ReferralBusinessStatus? = nil) {
        self.outcome = outcome
        self.businessStatus = businessStatus
        self.referralID = referralID
        self.status = status
        self.party = party
        self.reason = reason
        self.source = source
        self.expectedVersion = expectedVersion
        self.partnerMessage = partnerMessage
    }
}

/// Which referrals to list.
public struct ReferralFilter: Hashable, Sendable {
    public var status: ReferralStatus?
    public var organizationID: String?
    public var createdBy: String?
    /// Only those made by this organization's case workers.
    public var referrerOrganizationID: String?
    /// Only those overdue at this moment.
    public var overdueAt: Date?
    /// Only completed referrals whose follow-up falls on or before this moment's day (in the county's
    /// calendar) and is not done.
    public var followUpDueAt: Date?
    /// Only rejected or failed referrals nobody has referred again yet.
    public var needsNextStep: Bool = false
    /// What the caller may see at all; the other conditions narrow it.
    public var scope: ReferralScope
    public var limit: Int
    public var offset: Int

    public init(status: ReferralStatus? = nil, organizationID: String? = nil, createdBy: String? = nil,
                overdueAt: Date? = nil, followUpDueAt: Date? = nil, needsNextStep: Bool = false, limit: Int = 100, offset: Int = 0,
                referrerOrganizationID: String? = nil, scope: ReferralScope = .everything) {
        self.followUpDueAt = followUpDueAt
        self.needsNextStep = needsNextStep
        self.status = status
        self.organizationID = organizationID
        self.createdBy = createdBy
        self.referrerOrganizationID = referrerOrganizationID
        self.overdueAt = overdueAt
        self.scope = scope
        self.limit = limit
        self.offset = offset
    }
}

/// What revoking a referral's consent did.
public struct ConsentRevocation: Codable, Hashable, Sendable {
    public var referralID: String
    public var consentID: String
    public var revokedAt: Date
    /// Referrals cancelled because they had not yet been delivered.
    public var cancelled: [String]
    /// Already delivered before the revocation: the partner holds the data; nothing more will be sent.
    public var alreadyDelivered: Bool
    /// Revoked by someone, or expired on its date.
    public var reason: Reason
    /// The `consent.revoked` messages queued for the partner (one, when it received the referral at its endpoint).
    public var partnerMessages: [String]

    public enum Reason: String, Codable, Hashable, Sendable { case revoked, expired }

    public init(referralID: String, consentID: String, revokedAt: Date, cancelled: [String], alreadyDelivered: Bool,
                reason: Reason = .revoked, partnerMessages: [String] = []) {
        self.referralID = referralID
        self.consentID = consentID
        self.revokedAt = revokedAt
        self.cancelled = cancelled
        self.alreadyDelivered = alreadyDelivered
        self.reason = reason
        self.partnerMessages = partnerMessages
    }

    enum CodingKeys: String, CodingKey {
        case cancelled, reason
        case referralID = "referral_id", consentID = "consent_id", revokedAt = "revoked_at", alreadyDelivered = "already_delivered",
             partnerMessages = "partner_messages"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(referralID, forKey: .referralID)
        try c.encode(consentID, forKey: .consentID)
        try c.encode(revokedAt.formatted(.iso8601), forKey: .revokedAt)
        try c.encode(cancelled, forKey: .cancelled)
        try c.encode(alreadyDelivered, forKey: .alreadyDelivered)
        try c.encode(reason, forKey: .reason)
        try c.encode(partnerMessages, forKey: .partnerMessages)
    }
}

/// A stored consent, as the referral it covers reads it.
public struct StoredConsent: Hashable, Sendable {
    public var id: String
    public var consent: Consent

    public init(id: String, consent: Consent) {
        self.id = id
        self.consent = consent
    }
}

/// The person's details behind a referral, opened from their sealed form. Reading it is audited.
public struct PersonDetails: Hashable, Sendable {
    public var personID: String
    public var profile: NeedsProfile
    public var note: String?
}

/// The delivery side of a referral: its outbox row.
public struct OutboxEntry: Codable, Hashable, Sendable {
    public enum State: String, Codable, CaseIterable, Hashable, Sendable {
        /// Waiting for its first or next attempt.
        case pending
        /// A worker holds it until its lease runs out.
        case claimed
        case delivered
        /// A permanent failure, kept visible.
        case failed
        /// The partner's endpoint is gone (410).
        case undeliverable
        /// Not to be sent: the referral was cancelled or its consent revoked.
        case cancelled
    }

    public var referralID: String
    public var idempotencyKey: String
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastError: String?

    enum CodingKeys: String, CodingKey {
        case state, attempts
        case referralID = "referral_id", idempotencyKey = "idempotency_key", nextAttemptAt = "next_attempt_at", lastError = "last_error"
    }
}
