/// Why an agency answers as it does: a short list an agency picks from (with free text beside it), so
/// reports can count rejections and outcomes alike across agencies.
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

    /// The reasons for turning a referral down.
    public static let rejections: [AgencyAnswerReason] = [.noCapacity, .notEligible, .personDeclined, .couldNotContact, .other]
    /// How a referral ended: completed, or failed.
    public static let outcomes: [AgencyAnswerReason] = [.serviceStarted, .goalMet, .personDeclined, .couldNotContact, .notEligible, .noCapacity, .other]

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
