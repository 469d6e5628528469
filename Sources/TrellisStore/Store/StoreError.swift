public import TrellisCore

/// What the store refuses, worded for the person who asked. Nothing is changed when one is thrown.
public enum StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    case referralNotFound(String)
    case serviceNotFound(String)
    case userNotFound(String)
    case transition(referral: String, ReferralTransitionError)
    /// The referral changed since the caller read it.
    case conflict(referral: String, expectedVersion: Int, currentVersion: Int, currentStatus: ReferralStatus)
    case consentRecipientMismatch(recipient: String, organization: String)
    case consentNotInForce(String)
    case consentAlreadyRevoked(referral: String)
    case invalid(field: String, reason: String)
    /// A partner answered for a referral sent to another organization.
    case notPartnersReferral(partner: String, referral: String)
    /// A partner's message id seen before: a replay.
    case replayedMessage(partner: String, message: String)
    /// The stored data cannot be read with the configured key.
    case undecryptable(String)
    /// Nobody would receive the referral: no partner answers for the organization, by endpoint or inbox.
    case noRecipient(organization: String)
    /// An import would withdraw more of a source's services than allowed.
    case massWithdrawal(source: String, withdrawing: Int, active: Int, maxShare: Double)
    /// The service was withdrawn from the directory: no new referral goes to it.
    case serviceWithdrawn(String)
    /// An agency's outcome that the status does not allow (or that is malformed).
    case outcome(referral: String, ReferralOutcomeError)
    /// A referral named as the one a new referral follows that it cannot follow.
    case previousReferral(String, reason: String)
    /// A follow-up recorded for a referral that has none, or one already done.
    case followUp(referral: String, reason: String)
    /// A message on a referral the rules refuse (its text, the referral's state, or what the consent covers).
    case messageRefused(field: String, reason: String)

    public var description: String {
        switch self {
        case .referralNotFound(let id): "no referral \(id)"
        case .serviceNotFound(let id): "no service \(id) in the stored directory (import it with `trellis directory import FILE --db URL`)"
        case .userNotFound(let id): "no user \(id)"
        case .transition(let id, let error): "referral \(id): \(error)"
        case .conflict(let id, let expected, let current, let status):
            "referral \(id) changed while you were working on it: expected version \(expected), it is now version \(current) (\(status.rawValue)); read it again and retry"
        case .consentRecipientMismatch(let recipient, let organization):
            "the consent names \(recipient) but the service belongs to \(organization): consent must name the organization that receives the referral"
        case .consentNotInForce(let why): "the consent is not in force: \(why)"
        case .consentAlreadyRevoked(let id): "the consent for referral \(id) was already revoked"
        case .invalid(let field, let reason): "\(field): \(reason)"
        case .notPartnersReferral(let partner, let referral): "referral \(referral) was not sent to partner \(partner)"
        case .replayedMessage(let partner, let message): "message \(message) from partner \(partner) was already received: a replay is refused"
        case .undecryptable(let why): why
        case .noRecipient(let organization):
            "nobody at organization \(organization) can receive referrals in Trellis yet: it has neither an endpoint nor an inbox; ask an administrator to add one (`trellis partner add`), or keep the referral as a draft"
        case .massWithdrawal(let source, let withdrawing, let active, let maxShare):
            "the import would withdraw \(withdrawing) of the \(active) services of source \(source) (more than \(Int((maxShare * 100).rounded())) %): "
                + "the files may be a truncated export; check them, or allow it with --allow-mass-withdrawal"
        case .messageRefused(let field, let reason): "\(field): \(reason)"
        case .serviceWithdrawn(let id): "service \(id) was withdrawn from the directory: choose another service"
        case .outcome(let id, let error): "referral \(id): \(error)"
        case .previousReferral(let id, let reason): "previous_referral_id: referral \(id) \(reason)"
        case .followUp(let id, let reason): "referral \(id) \(reason)"
        }
    }
}
