/// An age range wide enough not to identify a person, for reports that compare groups of people.
public enum AgeBand: String, Vocabulary, Hashable, Sendable, Comparable {
    public static let vocabularyName = "age band"

    case under18 = "0-17"
    case from18 = "18-24"
    case from25 = "25-34"
    case from35 = "35-49"
    case from50 = "50-64"
    case over65 = "65+"

    public init(age: Int) {
        switch age {
        case ..<18: self = .under18
        case 18..<25: self = .from18
        case 25..<35: self = .from25
        case 35..<50: self = .from35
        case 50..<65: self = .from50
        default: self = .over65
        }
    }

    public static func < (a: AgeBand, b: AgeBand) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
