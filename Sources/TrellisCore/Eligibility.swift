/// Who a service is for, as far as the directory states it. Nil means "not stated": a service that
/// states nothing excludes nobody for it.
public struct Eligibility: Hashable, Codable, Sendable {
    public var minimumAge: Int?
    public var maximumAge: Int?
    /// Genders served; empty means any.
    public var genders: [Gender]
    public var residency: String?
    /// Monthly household income limit in the directory's currency, when one could be read.
    public var monthlyIncomeLimit: Double?
    /// Payment and insurance accepted, normalised to lower case ("medicaid", "sliding scale").
    public var paymentAccepted: [String]
    /// Requirements stated only as text.
    public var requirements: [String]

    public init(minimumAge: Int? = nil, maximumAge: Int? = nil, genders: [Gender] = [], residency: String? = nil,
                monthlyIncomeLimit: Double? = nil, paymentAccepted: [String] = [], requirements: [String] = []) {
        self.minimumAge = minimumAge
        self.maximumAge = maximumAge
        self.genders = genders
        self.residency = residency
        self.monthlyIncomeLimit = monthlyIncomeLimit
        self.paymentAccepted = paymentAccepted
        self.requirements = requirements
    }

    enum CodingKeys: String, CodingKey {
        case minimumAge = "minimum_age", maximumAge = "maximum_age", genders, residency
        case monthlyIncomeLimit = "monthly_income_limit", paymentAccepted = "payment_accepted", requirements
    }
}

public enum Gender: String, Vocabulary, Hashable, Sendable {
    public static let vocabularyName = "gender"

    case female
    case male
    case nonBinary = "non_binary"

    /// Reads the words directories and forms use ("Female", "F", "women", "Male", "men").
    public init?(word: String) {
        switch word.trimmingWhitespace().lowercased() {
        case "female", "f", "woman", "women", "girls": self = .female
        case "male", "m", "man", "men", "boys": self = .male
        case "non-binary", "nonbinary", "non_binary": self = .nonBinary
        default: return nil
        }
    }
}

/// Places available now, the most there can be, and the wait.
public struct Capacity: Hashable, Codable, Sendable {
    public var available: Int?
    public var maximum: Int?
    public var waitlist: Int?
    public var updated: CalendarDay?

    public init(available: Int? = nil, maximum: Int? = nil, waitlist: Int? = nil, updated: CalendarDay? = nil) {
        self.available = available
        self.maximum = maximum
        self.waitlist = waitlist
        self.updated = updated
    }

    public var isEmpty: Bool { available == nil && maximum == nil && waitlist == nil }
}
