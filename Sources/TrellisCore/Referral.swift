public import Foundation

/// A referral of one person to one service, as Trellis tracks it until the loop is closed.
/// It carries ids only: the person's details stay in the store, encrypted, and leave only under consent.
public struct Referral: Codable, Hashable, Sendable, Identifiable {
    public var id: String
    public var status: ReferralStatus
    public var serviceID: String
    public var organizationID: String
    /// The case worker's pseudonymous reference for the person (`P-1042`).
    public var personRef: String
    public var consentID: String
    /// The need domains the referral is for, from the needs profile.
    public var needDomains: [NeedDomain]
    public var createdAt: Date
    public var createdBy: String
    /// The organization of the case worker who made it (its referrals are theirs to see); nil when the
    /// maker was not a known user, as for referrals made from the command line without one.
    public var referrerOrganizationID: String?
    /// When it was sent (`requested`); nil while it is a draft.
    public var requestedAt: Date?
    /// The partner's response deadline: `requestedAt` plus its business days.
    public var respondBy: Date?
    /// The agency's first answer (any status it sets).
    public var firstAnsweredAt: Date?
    public var updatedAt: Date
    /// Grows by one with every change; a change made against an older version is a conflict.
    public var version: Int
    public var note: String?
    /// Every change, oldest first (present when the referral is read in full).
    public var history: [ReferralStatusChange]?
    /// The service was withdrawn from the directory after the referral was made (a later import no
    /// longer held it): the tracker flags an open referral to it. True or absent (nil), so the JSON
    /// of a referral to a service in force is as before.
    public var serviceWithdrawn: Bool?
    /// How it ended (completed, failed) or why it was turned down (rejected), when the agency said.
    public var outcome: ReferralOutcome?
    /// The rejected or failed referral this one follows (the person's next match).
    public var previousReferralID: String?
    /// The referral made after this one was rejected or failed.
    public var nextReferralID: String?
    /// When the case worker checks in with the person: set when it is completed with service started.
    public var followUpOn: CalendarDay?
    /// When the case worker recorded the follow-up as done.
    public var followUpDoneAt: Date?
    /// How many times the agency recorded that it tried to contact the person (absent when none).
    public var contactAttempts: Int?

    public init(id: String, status: ReferralStatus, serviceID: String, organizationID: String, personRef: String,
                consentID: String, needDomains: [NeedDomain], createdAt: Date, createdBy: String, requestedAt: Date? = nil,
                respondBy: Date? = nil, firstAnsweredAt: Date? = nil, updatedAt: Date, version: Int = 1, note: String? = nil,
                history: [ReferralStatusChange]? = nil, referrerOrganizationID: String? = nil, serviceWithdrawn: Bool = false) {
        self.serviceWithdrawn = serviceWithdrawn ? true : nil
        self.id = id
        self.status = status
        self.serviceID = serviceID
        self.organizationID = organizationID
        self.personRef = personRef
        self.consentID = consentID
        self.needDomains = needDomains
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.requestedAt = requestedAt
        self.respondBy = respondBy
        self.firstAnsweredAt = firstAnsweredAt
        self.updatedAt = updatedAt
        self.version = version
        self.note = note
        self.history = history
        self.referrerOrganizationID = referrerOrganizationID
    }

    /// Its service was withdrawn and the agency has not closed it: the tracker's flag.
    public var isOpenToWithdrawnService: Bool {
        serviceWithdrawn == true && !status.isFinal
    }

    /// Rejected or failed with no referral made after it: the case worker's next step is to refer again.
    public var needsNextStep: Bool {
        (status == .rejected || status == .failed) && nextReferralID == nil
    }

    /// Its follow-up date has come (`today` in the county's calendar) and nobody has recorded it done.
    public func isFollowUpDue(on today: CalendarDay) -> Bool {
        guard let day = followUpOn, followUpDoneAt == nil, status == .completed else { return false }
        return day <= today
    }

    /// Still waiting for the agency's first answer after its deadline.
    public func isOverdue(at now: Date) -> Bool {
        status == .requested && (respondBy.map { now >= $0 } ?? false)
    }

    enum CodingKeys: String, CodingKey {
        case id, status, note, history, version
        case serviceID = "service_id", organizationID = "organization_id", personRef = "person_ref"
        case consentID = "consent_id", needDomains = "need_domains", createdAt = "created_at", createdBy = "created_by"
        case requestedAt = "requested_at", respondBy = "respond_by", firstAnsweredAt = "first_answered_at"
        case updatedAt = "updated_at", referrerOrganizationID = "referrer_organization_id", serviceWithdrawn = "service_withdrawn"
        case outcome, previousReferralID = "previous_referral_id", nextReferralID = "next_referral_id", followUpOn = "follow_up_on"
        case followUpDoneAt = "follow_up_done_at", contactAttempts = "contact_attempts"
    }
}

/// One row of a referral's history: who moved it from what to what, when, why and through what.
public struct ReferralStatusChange: Codable, Hashable, Sendable {
    /// Where a change came from.
    public enum Source: String, Vocabulary, Hashable, Sendable {
        public static let vocabularyName = "status change source"

        /// The command line.
        case cli
        /// The HTTP API or web pages.
        case api
        /// A partner's signed status callback.
        case callback
        /// Trellis polling a partner that cannot call back.
        case poll
        /// Trellis itself (a consent revocation, a disabled endpoint).
        case system
    }

    public var at: Date
    public var actor: String
    public var party: ReferralParty
    /// nil for the row that created the referral.
    public var from: ReferralStatus?
    public var to: ReferralStatus
    public var reason: String?
    public var source: Source
    /// The outcome recorded with this change (completed, failed, rejected).
    public var outcome: ReferralOutcome?
    /// What the agency said beside the status (a contact attempt).
    public var businessStatus: ReferralBusinessStatus?
    /// The referral this row links to: the one this was made after, or the one made after this.
    public var relatedReferralID: String?

    enum CodingKeys: String, CodingKey {
        case at, actor, party, from, to, reason, source, outcome
        case businessStatus = "business_status", relatedReferralID = "related_referral_id"
    }

    public init(at: Date, actor: String, party: ReferralParty, from: ReferralStatus?, to: ReferralStatus,
                reason: String? = nil, source: Source, outcome: ReferralOutcome? = nil, businessStatus: ReferralBusinessStatus? = nil,
                relatedReferralID: String? = nil) {
        self.outcome = outcome
        self.businessStatus = businessStatus
        self.relatedReferralID = relatedReferralID
        self.at = at
        self.actor = actor
        self.party = party
        self.from = from
        self.to = to
        self.reason = reason
        self.source = source
    }
}
