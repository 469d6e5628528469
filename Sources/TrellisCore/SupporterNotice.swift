public import Foundation

/// The e-mail a supporter gets when a referral the person agreed to copy them on changes status.
/// Worded for the person's privacy: it names the person by first name only and the case worker's
/// organization, and says what happened and when; never the need, a diagnosis, the agency or its kind,
/// a reason, or any id.
public struct SupporterNotice: Codable, Hashable, Sendable {
    public var supporterName: String
    /// The person's first name, or nil when the profile has no name ("someone you support").
    public var personFirstName: String?
    public var status: ReferralStatus
    public var at: Date
    /// The case worker's organization, by name, to ask for more.
    public var caseWorkerOrganization: String
    /// The county's time zone identifier: the date is given as the supporter's calendar reads it.
    public var timeZone: String

    public init(supporterName: String, personFirstName: String?, status: ReferralStatus, at: Date, caseWorkerOrganization: String,
                timeZone: String = "UTC") {
        self.supporterName = Notice.oneLine(supporterName)
        self.personFirstName = personFirstName.flatMap { Notice.oneLine($0).nonBlank }
        self.status = status
        self.at = at
        self.caseWorkerOrganization = Notice.oneLine(caseWorkerOrganization)
        self.timeZone = timeZone
    }

    /// The statuses a supporter is told of: the referral went out, or the agency answered or closed it.
    public static func tellsOf(_ status: ReferralStatus) -> Bool { phrase(status) != nil }

    /// What happened, in a few plain words; nil for a status a supporter is not told of (a draft, a correction).
    static func phrase(_ status: ReferralStatus) -> String? {
        switch status {
        case .requested: "it was sent"
        case .accepted: "it was accepted"
        case .rejected: "it was not taken up"
        case .inProgress: "the service is under way"
        case .onHold: "it is on hold"
        case .completed: "it was completed"
        case .failed: "it could not go ahead"
        case .cancelled: "it was withdrawn"
        case .draft, .enteredInError: nil
        }
    }

    /// The person's first name, as the notice calls them.
    var person: String { personFirstName ?? "someone you support" }

    /// "the referral Sam's case worker made": possessive of the person.
    private var whose: String { personFirstName.map { "\($0)'s" } ?? "their" }

    /// "Tue 8 Dec" in the county's time zone, in English whatever the locale.
    var day: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.day, .month, .weekday], from: at)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(days[((c.weekday ?? 1) - 1) % 7]) \(c.day ?? 1) \(months[((c.month ?? 1) - 1) % 12])"
    }

    public var subject: String {
        "An update from \(caseWorkerOrganization) for \(supporterName)"
    }

    /// Plain text, lines ending in "\n".
    public var body: String {
        let what = Self.phrase(status) ?? "it changed"
        let first = personFirstName ?? "Someone you support"
        return """
        Hello \(supporterName),

        \(first) asked that you be kept up to date. An update on the referral \(whose) case worker made: \(what) on \(day).

        \(personFirstName.map { "\($0)'s" } ?? "Their") case worker can tell you more: \(caseWorkerOrganization).

        This e-mail says no more on purpose: what \(person) shares is theirs to tell. If you should not have \
        received it, please tell \(caseWorkerOrganization).

        """
    }
}
