/// How a referral ended (`completed`, `failed`) or why it was turned down (`rejected`): a code from
/// the short list, and the agency's words beside it (required for `other`). Kept in its own fields,
/// so reports count codes rather than parse text.
public struct ReferralOutcome: Codable, Hashable, Sendable {
    public var code: AgencyAnswerReason
    public var text: String?

    /// The longest text kept beside a code (UTF-8 bytes).
    public static let maximumTextBytes = 1_000

    public init(code: AgencyAnswerReason, text: String? = nil) {
        self.code = code
        self.text = text?.nonBlank
    }

    /// A checked outcome for `status`: the code must be one the status allows, `other` needs text, and
    /// text is at most `maximumTextBytes`.
    public static func checked(code: AgencyAnswerReason, text: String?, for status: ReferralStatus) throws(ReferralOutcomeError) -> ReferralOutcome {
        let allowed = AgencyAnswerReason.allowed(for: status)
        guard !allowed.isEmpty else { throw .notCarried(status) }
        guard allowed.contains(code) else { throw .notAllowed(code: code, status: status) }
        let outcome = ReferralOutcome(code: code, text: text)
        if let text = outcome.text, text.utf8.count > maximumTextBytes { throw .textTooLong }
        if code == .other && outcome.text == nil { throw .textRequired }
        return outcome
    }

    /// A checked outcome from a code's raw value (as a partner or a form sends it).
    public static func checked(code raw: String, text: String?, for status: ReferralStatus) throws(ReferralOutcomeError) -> ReferralOutcome {
        guard let code = AgencyAnswerReason(rawValue: raw) else { throw .unknownCode(raw) }
        return try checked(code: code, text: text, for: status)
    }

    /// In a history row or a page: the code's title, then the agency's words.
    public var summary: String { code.recorded(with: text) }
}

/// An outcome refused, saying what would be accepted. Nothing changes.
public enum ReferralOutcomeError: Error, Hashable, Sendable, CustomStringConvertible {
    case unknownCode(String)
    case notAllowed(code: AgencyAnswerReason, status: ReferralStatus)
    case notCarried(ReferralStatus)
    case textRequired
    case textTooLong

    public var description: String {
        switch self {
        case .unknownCode(let raw):
            let shown = raw.count > 40 ? String(raw.prefix(40)) + "…" : raw
            return "outcome.code: unknown outcome '\(shown)'; expected one of \(AgencyAnswerReason.words.joined(separator: ", "))"
        case .notAllowed(let code, let status):
            return "outcome.code: \(code.rawValue) is not an outcome of \(status.rawValue) (allowed: "
                + AgencyAnswerReason.allowed(for: status).map(\.rawValue).joined(separator: ", ") + ")"
        case .notCarried(let status):
            return "outcome: a referral that becomes \(status.rawValue) carries no outcome (only completed, failed and rejected do)"
        case .textRequired:
            return "outcome.text: say what happened when the outcome is other"
        case .textTooLong:
            return "outcome.text: at most \(ReferralOutcome.maximumTextBytes) bytes"
        }
    }

    /// The field at fault.
    public var field: String {
        switch self {
        case .unknownCode, .notAllowed: "outcome.code"
        case .notCarried: "outcome"
        case .textRequired, .textTooLong: "outcome.text"
        }
    }
}
