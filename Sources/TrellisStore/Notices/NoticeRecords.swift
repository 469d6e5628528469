public import Foundation
public import TrellisCore

/// A notice leased to a worker: where it goes and what it says (an organization, never a person).
public struct NoticeClaim: Hashable, Sendable {
    public var id: String
    public var kind: Notice.Kind
    public var organizationID: String
    /// The organization's name in the directory, or its id when the directory has none.
    public var organizationName: String
    public var recipient: String
    /// Attempts made before this one.
    public var attempts: Int
    /// For a supporter's notice (`supporterUpdate`): its text, opened from the row (`recipient` is then
    /// the supporter's address, opened too). Nil for an agency's notice.
    public var supporterNotice: SupporterNotice? = nil
}

/// What became of a notice.
public enum NoticeOutcome: Hashable, Sendable {
    case sent(messageID: String)
    case retry(at: Date, error: String)
    /// Given up: the mail server refused it for good, or it failed too often.
    case failed(String)
}

/// E-mail notices about an agency's inbox, queued with the change that calls for them and sent by a
/// worker with retries, so a mail server that is down or refuses never holds up a referral.
public protocol NoticeRepository: Sendable {
    /// Queues the notices that are due at `now` without a change to trigger them: each referral in an
    /// inbox past its deadline (once), and a daily reminder per organization while something has
    /// waited since yesterday. Returns how many were queued.
    func queueDueNotices(now: Date, context: AuditContext) async throws -> Int
    /// Up to `limit` notices due at `now` (or whose lease ran out), leased to `owner` until `now + lease`.
    func claimNotices(owner: String, now: Date, lease: TimeInterval, limit: Int) async throws -> [NoticeClaim]
    /// Records a claimed notice's outcome; a sent or failed one is audited.
    func recordNotice(id: String, owner: String, outcome: NoticeOutcome, context: AuditContext) async throws
}
