/// A referral's status, as the FHIR Task statuses the Gravity SDOH Clinical Care IG uses for
/// referrals.
public enum ReferralStatus: String, Vocabulary, Hashable, Sendable {
    public static let vocabularyName = "referral status"

    case draft
    case requested
    case accepted
    case rejected
    case cancelled
    case inProgress = "in-progress"
    case onHold = "on-hold"
    case failed
    case completed
    case enteredInError = "entered-in-error"

    /// Nothing can follow but a correction (`entered-in-error`): the loop is closed.
    public var isFinal: Bool {
        switch self {
        case .rejected, .cancelled, .failed, .completed, .enteredInError: true
        default: false
        }
    }

    /// The partner has answered (anything past `requested` that the agency set).
    public var isAnswer: Bool {
        switch self {
        case .accepted, .rejected, .inProgress, .onHold, .failed, .completed: true
        default: false
        }
    }
}

/// Who is changing a referral.
public enum ReferralParty: String, Vocabulary, Hashable, Sendable {
    public static let vocabularyName = "party"

    /// The case worker's side, which sends the referral.
    case referrer
    /// The receiving partner agency.
    case agency
}

/// A move the lifecycle refuses, with what a person needs to know to fix it. Nothing changes.
public enum ReferralTransitionError: Error, Hashable, Sendable, CustomStringConvertible {
    case illegalMove(from: ReferralStatus, to: ReferralStatus)
    case notThisPartysMove(party: ReferralParty, to: ReferralStatus)
    case reasonRequired(ReferralStatus)

    public var description: String {
        switch self {
        case .illegalMove(let from, let to):
            let allowed = ReferralLifecycle.moves(from: from).map(\.rawValue).sorted()
            return "a referral that is \(from.rawValue) cannot become \(to.rawValue)"
                + (allowed.isEmpty ? "" : " (it can become: \(allowed.joined(separator: ", ")))")
        case .notThisPartysMove(let party, let to):
            let owner: ReferralParty = party == .referrer ? .agency : .referrer
            return "only the \(owner == .agency ? "receiving agency" : "referrer") may set \(to.rawValue), not the \(party == .agency ? "agency" : "referrer")"
        case .reasonRequired(let to):
            return "a reason is required to set \(to.rawValue)"
        }
    }
}

/// The rules of a referral's life: which moves are legal, who may make each, which need a reason.
public enum ReferralLifecycle {
    /// The statuses a referral may move to from `status` (whoever makes the move).
    public static func moves(from status: ReferralStatus) -> Set<ReferralStatus> {
        var next: Set<ReferralStatus> = switch status {
        case .draft: [.requested]
        case .requested: [.accepted, .rejected, .cancelled]
        case .accepted: [.inProgress, .onHold, .cancelled, .failed]
        case .inProgress: [.onHold, .completed, .failed, .cancelled]
        case .onHold: [.inProgress, .cancelled, .failed]
        case .rejected, .cancelled, .failed, .completed, .enteredInError: []
        }
        // Any record can be marked as entered in error — once.
        if status != .enteredInError { next.insert(.enteredInError) }
        return next
    }

    /// Who may set a status.
    public static func party(setting status: ReferralStatus) -> ReferralParty {
        switch status {
        case .draft, .requested, .cancelled, .enteredInError: .referrer
        case .accepted, .rejected, .inProgress, .onHold, .failed, .completed: .agency
        }
    }

    public static func needsReason(_ status: ReferralStatus) -> Bool {
        [.rejected, .cancelled, .onHold, .failed].contains(status)
    }

    /// Checks a move; throws the first rule it breaks.
    public static func check(from: ReferralStatus, to: ReferralStatus, by party: ReferralParty, reason: String?) throws(ReferralTransitionError) {
        guard moves(from: from).contains(to) else { throw .illegalMove(from: from, to: to) }
        guard Self.party(setting: to) == party else { throw .notThisPartysMove(party: party, to: to) }
        if needsReason(to) && (reason?.nonBlank == nil) { throw .reasonRequired(to) }
    }
}
