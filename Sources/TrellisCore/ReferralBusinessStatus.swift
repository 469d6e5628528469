/// What an agency says about a referral under way, beside its status (FHIR `Task.businessStatus`):
/// today only that it tried to reach the person. Each is recorded with its time in the history.
public enum ReferralBusinessStatus: String, Vocabulary, Hashable, Sendable {
    public static let vocabularyName = "business status"

    case contactAttempted = "contact_attempted"

    /// The statuses it may go with.
    public var statuses: Set<ReferralStatus> {
        switch self {
        case .contactAttempted: [.inProgress]
        }
    }

    public var title: String {
        switch self {
        case .contactAttempted: "Contact attempted"
        }
    }
}
