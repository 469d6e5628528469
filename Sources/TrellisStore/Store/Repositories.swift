public import Crypto
public import Foundation
public import TrellisCore

/// Referrals from creation until the loop is closed: the referral, the person behind it (sealed),
/// its consent, its history and its outbox row, each change in one transaction with its audit record.
public protocol ReferralRepository: Sendable {
    /// Stores the person, profile, consent, referral, first history row and (unless a draft) the
    /// outbox row, in one transaction.
    func createReferral(_ request: NewReferral, context: AuditContext) async throws -> Referral
    /// Applies a lifecycle move, or throws `StoreError` and changes nothing.
    func changeStatus(_ request: StatusChangeRequest, context: AuditContext) async throws -> Referral
    /// The referral with its history, when `scope` admits it. Audited as a read; one outside the scope
    /// is audited as a refused read and reported as not found, so its existence is not revealed.
    func referral(id: String, scope: ReferralScope, context: AuditContext) async throws -> Referral
    /// Newest first. Audited as one read.
    func referrals(_ filter: ReferralFilter, context: AuditContext) async throws -> [Referral]
    /// Revokes the referral's consent and cancels what was not yet delivered under it.
    func revokeConsent(referralID: String, context: AuditContext) async throws -> ConsentRevocation
    /// The county's calendar: deadlines and follow-up days count in it.
    var businessCalendar: BusinessCalendar { get }
    /// Records the case worker's follow-up of a referral completed with service started (the note sealed
    /// at rest), or throws `StoreError.followUp` when it has none or it was already done. Audited.
    func recordFollowUp(referralID: String, note: String?, context: AuditContext) async throws -> Referral
    func consent(referralID: String, context: AuditContext) async throws -> StoredConsent
    /// The person's details, opened from their sealed form. Audited as a read.
    func person(referralID: String, context: AuditContext) async throws -> PersonDetails
    func outboxEntry(referralID: String) async throws -> OutboxEntry?
    /// The organization a referral was sent to, read without an audit record (an id, no person's
    /// data): a partner's unauthenticated answer finds whose secrets must have signed it without a write.
    func recipientOrganization(referralID: String) async throws -> String?
    /// Records that `context.actor` opened the referral in an agency's inbox. Each user's first opening
    /// is audited as the disclosure of `disclosed` (action E); true that first time.
    func recordInboxOpening(referralID: String, disclosed: [Consent.Category], context: AuditContext) async throws -> Bool
    /// Of these referrals, those someone has opened in an inbox.
    func openedInInbox(referralIDs: [String]) async throws -> Set<String>
    /// Per agency and overall, for referrals sent in `from..<to` (only those `referrerOrganizationID`
    /// made, when given: a supervisor's view).
    func loopClosureReport(from: Date, to: Date, now: Date, referrerOrganizationID: String?) async throws -> LoopClosureReport
    /// Referrals sent in `from..<to` broken down by need domain, language, interpreter, age band and
    /// urgency, small cells suppressed (only those `referrerOrganizationID` made, when given).
    func equityReport(from: Date, to: Date, now: Date, referrerOrganizationID: String?) async throws -> EquityReport
}

/// The stored directory, so a server restarts without the files.
public protocol DirectoryRepository: Sendable {
    /// Upserts services by id under `source` (nil: each record's own provider id) and records the
    /// import with what it added, updated, left unchanged and withdrew. With `replacement.replaceSource`
    /// the services of the import's sources that `services` no longer holds are withdrawn, unless that
    /// is more than the allowed share (`StoreError.massWithdrawal`, nothing changed).
    ///
    /// `pages` hands the services over a page at a time, each id once (as a merge leaves them; an id
    /// given twice is refused), so that a directory of any size is stored in bounded memory; all of it
    /// commits as one, or nothing does.
    func storeDirectory<Pages: AsyncSequence<[Service], any Error>>(pages: Pages, files: [String], source: String?,
                                                                   replacement: DirectoryReplacement,
                                                                   context: AuditContext) async throws -> DirectorySnapshot
    /// The services in force: never a withdrawn one (matching and search are built from these).
    func storedServices() async throws -> [Service]
    /// The same services, in id order, handed to `body` one at a time and never held together.
    func forEachStoredService(_ body: (Service) throws -> Void) async throws
    /// A stored service, withdrawn or not.
    func service(id: String) async throws -> Service?
    func latestSnapshot() async throws -> DirectorySnapshot?
    /// An agency's report of a service's open places and waitlist. The newer of the import's figures
    /// and the agency's report is what `storedServices()` and `service(id:)` give from then on. Audited.
    func reportCapacity(serviceID: String, available: Int?, waitlist: Int?, context: AuditContext) async throws -> Service
    /// The services of these organizations (an agency's own), by name, with capacity reports laid over.
    func services(ofOrganizations organizations: [String]) async throws -> [Service]
    /// Services whose referrals agencies rejected for no capacity or not eligible more than
    /// `threshold` times since `since`, by organization: records a curator should fix.
    func rejectedServices(since: Date, moreThan threshold: Int) async throws -> [RejectedService]
}

extension DirectoryRepository {
    /// Stores services held in memory (an upload, a feed, the first start's files); a later copy of an
    /// id replaces an earlier one.
    public func storeDirectory(_ services: [Service], files: [String], source: String?, replacement: DirectoryReplacement,
                               context: AuditContext) async throws -> DirectorySnapshot {
        try await storeDirectory(pages: ServicePages(DirectoryDocuments.deduplicated(services)), files: files, source: source,
                                 replacement: replacement, context: context)
    }
}

/// Partner agencies' endpoints.
public protocol PartnerRepository: Sendable {
    func savePartner(_ partner: Partner, context: AuditContext) async throws
    /// Removes a partner; its organizations' referrals wait until another partner answers for them.
    /// False when there was no such partner.
    func removePartner(id: String, context: AuditContext) async throws -> Bool
    func partners() async throws -> [Partner]
    func partner(answeringFor organizationID: String) async throws -> Partner?
}

/// Users and their API tokens.
public protocol UserRepository: Sendable {
    func addUser(_ user: UserAccount, passwordHash: String?, context: AuditContext) async throws
    func user(id: String) async throws -> UserAccount?
    func passwordHash(userID: String) async throws -> String?
    /// A new token for the user; the secret is in the result and nowhere else.
    /// `idleLimit`: a web session's automatic log-off, kept with the token so that every server
    /// sharing the database ends it alike, whichever way the token is presented.
    func issueToken(userID: String, expiresAt: Date?, kind: TokenRecord.Kind, idleLimit: TimeInterval?, context: AuditContext) async throws -> IssuedToken
    /// What a presented token opens at `context.now`. An unknown token is only read, never written
    /// (callers count refusals: a flood of made-up tokens must not queue writes); a known one refused
    /// for being revoked, expired or its user disabled is audited; a valid one's last use is written
    /// (and audited as a sign-in) at most once per `TokenUse.writeInterval`; a session idle past its
    /// limit is ended and audited once.
    func checkToken(_ secret: String, context: AuditContext) async throws -> TokenCheck
    /// Ends a token (a web session signing out). False when no such token was in force.
    func revokeToken(secret: String, context: AuditContext) async throws -> Bool
    /// Everyone, by id.
    func users() async throws -> [UserAccount]
    /// Disables (or enables again) a user: a disabled user's sessions and tokens open nothing. Throws
    /// `userNotFound`. Audited.
    func setUser(_ userID: String, disabled: Bool, context: AuditContext) async throws -> UserAccount
    /// The user's tokens (everyone's when nil), newest first: public ids and dates only.
    func tokens(userID: String?) async throws -> [TokenRecord]
    /// Ends a token by its public id; the ended token, or nil when no such token was in force. Audited.
    func revokeToken(id: String, context: AuditContext) async throws -> TokenRecord?
    /// Ends every token of a user still in force; their ids. Audited.
    func revokeTokens(userID: String, context: AuditContext) async throws -> [String]
}

extension UserRepository {
    /// An API token.
    public func issueToken(userID: String, expiresAt: Date?, context: AuditContext) async throws -> IssuedToken {
        try await issueToken(userID: userID, expiresAt: expiresAt, kind: .api, idleLimit: nil, context: context)
    }

    /// A token of `kind` with no idle limit.
    public func issueToken(userID: String, expiresAt: Date?, kind: TokenRecord.Kind, context: AuditContext) async throws -> IssuedToken {
        try await issueToken(userID: userID, expiresAt: expiresAt, kind: kind, idleLimit: nil, context: context)
    }

    /// The user a token belongs to, when it is valid (see `checkToken`).
    public func user(bearing secret: String, context: AuditContext) async throws -> UserAccount? {
        try await checkToken(secret, context: context).user
    }
}

extension ReferralRepository {
    /// The referral with its history, whoever made it (the command line, administrators).
    public func referral(id: String, context: AuditContext) async throws -> Referral {
        try await referral(id: id, scope: .everything, context: context)
    }

    public func loopClosureReport(from: Date, to: Date, now: Date) async throws -> LoopClosureReport {
        try await loopClosureReport(from: from, to: to, now: now, referrerOrganizationID: nil)
    }
}

/// Everything Trellis keeps, on SQLite or PostgreSQL. Both pass one contract suite.
public protocol TrellisStore: ReferralRepository, DeliveryRepository, DirectoryRepository, PartnerRepository, UserRepository, MonitoringRepository,
    NoticeRepository, PartnerOutboundRepository, ReferralMessageRepository,
    ReceiptRepository, SupportNetworkRepository {
    var audit: any AuditLog { get }
    /// Signs a final audit checkpoint and releases connections.
    func close() async throws
}

/// A person's receipt for a referral: what went to whom, when, under which consent, with the audit
/// records and the signed checkpoint that prove it.
public protocol ReceiptRepository: Sendable {
    /// The receipt, when `scope` admits the referral (as `referral(id:scope:context:)`: audited, and
    /// one outside the scope is reported as not found). Signs a checkpoint when none covers it yet.
    func receipt(referralID: String, scope: ReferralScope, context: AuditContext) async throws -> ReferralReceipt
    /// Checks a receipt against the audit trail and its signed checkpoints (by `pinnedKey` when given,
    /// else this trail's own key). Audited as a read of the referral.
    func verifyReceipt(_ receipt: ReferralReceipt, pinnedKey: Curve25519.Signing.PublicKey?, context: AuditContext) async throws -> ReceiptVerdict
}

/// The person's support network, as far as the pages need it.
public protocol SupportNetworkRepository: Sendable {
    /// How many referrals of the organization's client `personRef` agencies rejected (ids only: no audit record).
    func rejections(personRef: String, referrerOrganizationID: String?) async throws -> Int
    /// Whether the referral's page suggests a peer specialist: a need in crisis or a second rejection of
    /// the person's referrals, and no peer mentor in their network. Opening the network is audited.
    func suggestsPeerSpecialist(referralID: String, context: AuditContext) async throws -> Bool
}
