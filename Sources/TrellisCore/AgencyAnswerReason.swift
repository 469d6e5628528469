/// Why an agency answers as it does: the short list of outcome codes an agency picks from (with free
/// text beside it), so reports can count rejections and outcomes alike across agencies. A referral
/// keeps the code as a `ReferralOutcome`; which codes go with which status is `allowed(for:)`.
public enum AgencyAnswerReason: String, Vocabulary, CaseIterable, Hashable, Sendable {
    public static let vocabularyName = "answer reason"

    case serviceStarted = "service_started"
    case goalMet = "goal_met"
    case personDeclined = "person_declined"
    case couldNotContact = "could_not_contact"
    case notEligible = "not_eligible"
    case noCapacity = "no_capacity"
    case other

    public var title: String {
        switch self {
        case .serviceStarted: "Service started"
        case .goalMet: "Goal met"
        case .personDeclined: "Person declined"
        case .couldNotContact: "Could not contact"
        case .notEligible: "Not eligible"
        case .noCapacity: "No capacity"
        case .other: "Other"
        }
    }

    /// The codes a status may carry, in the order a form offers them; empty for a status that carries none.
    public static func allowed(for status: ReferralStatus) -> [AgencyAnswerReason] {
        switch status {
        case .completed: [.serviceStarted, .goalMet, .other]
        case .failed: [.personDeclined, .couldNotContact, .notEligible, .noCapacity, .other]
        case .rejected: [.notEligible, .noCapacity, .personDeclined, .other]
        default: []
        }
    }

    /// The reasons for turning a referral down.
    public static var rejections: [AgencyAnswerReason] { allowed(for: .rejected) }

    /// The reason as recorded in the referral's history: its title, then the agency's words.
    public func recorded(with text: String?) -> String {
        guard let text = text?.nonBlank else { return title }
        return "\(title): \(text)"
    }

    /// The reason a recorded text starts with, when it was recorded from this list.
    public static func recognized(in recorded: String?) -> AgencyAnswerReason? {
        guard let recorded else { return nil }
        return allCases.first { recorded == $0.title || recorded.hasPrefix($0.title + ":") }
    }
}
