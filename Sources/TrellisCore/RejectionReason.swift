/// The reasons for an agency's rejection that say its directory record is wrong: it has no room, or
/// the person did not fit its eligibility. Agencies write reasons as free text or as the codes
/// `no_capacity` and `not_eligible`; both spellings (and "at capacity", "ineligible") are recognized.
/// Its codes are the outcome codes of the same name (`AgencyAnswerReason`): a rejection recorded with
/// an outcome is read from its code, an older one from its text.
public enum RejectionReason: String, Vocabulary, Hashable, Sendable {
    public static let vocabularyName = "rejection reason"

    case noCapacity = "no_capacity"
    case notEligible = "not_eligible"

    /// The reason an outcome code gives, when it is one of these.
    public init?(code: AgencyAnswerReason) {
        self.init(rawValue: code.rawValue)
    }

    /// The reason a rejection's text gives, when it is one of these; nil for any other reason.
    public init?(text: String) {
        let words = text.lowercased().map { $0 == "_" || $0 == "-" ? " " : $0 }
        let normalized = String(words).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if normalized.hasPrefix("no capacity") || normalized.hasPrefix("at capacity") || normalized.hasPrefix("no beds") {
            self = .noCapacity
        } else if normalized.hasPrefix("not eligible") || normalized.hasPrefix("ineligible") {
            self = .notEligible
        } else {
            return nil
        }
    }
}
