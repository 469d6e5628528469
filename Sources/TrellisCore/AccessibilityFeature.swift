/// An access need a person may have, and the same fact about a service's site: matched against
/// AIRS `DisabilitiesAccess` and HSDS `accessibility` (docs/matching.md, "Accessibility").
public enum AccessibilityFeature: String, Vocabulary, Hashable, Sendable, Comparable {
    public static let vocabularyName = "accessibility need"

    case wheelchair
    case signLanguage = "sign_language"
    case largePrint = "large_print"
    case braille
    case hearingLoop = "hearing_loop"
    case serviceAnimal = "service_animal"

    public static func < (a: AccessibilityFeature, b: AccessibilityFeature) -> Bool {
        a.ordinal < b.ordinal
    }

    /// Words a person reads.
    public var title: String {
        switch self {
        case .wheelchair: "wheelchair access"
        case .signLanguage: "sign language"
        case .largePrint: "large print"
        case .braille: "braille"
        case .hearingLoop: "a hearing loop"
        case .serviceAnimal: "service animals"
        }
    }
}

/// What a directory says of a service's accessibility: features it states it has, features it
/// states it lacks, and its own words. A feature in neither list is unknown.
public struct ServiceAccessibility: Hashable, Codable, Sendable {
    public var offers: [AccessibilityFeature]
    public var lacks: [AccessibilityFeature]
    /// The directory's own words (AIRS `DisabilitiesAccess`, HSDS `accessibility.description`).
    public var statement: String?

    public init(offers: [AccessibilityFeature] = [], lacks: [AccessibilityFeature] = [], statement: String? = nil) {
        self.offers = offers
        self.lacks = lacks
        self.statement = statement
    }

    public var isEmpty: Bool { offers.isEmpty && lacks.isEmpty && statement == nil }
}

extension AccessibilityFeature: CaseOrdinal {
    public var ordinal: Int {
        switch self {
        case .wheelchair: 0
        case .signLanguage: 1
        case .largePrint: 2
        case .braille: 3
        case .hearingLoop: 4
        case .serviceAnimal: 5
        }
    }
}
