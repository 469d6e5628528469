/// Program features that recovery principles care about.
public struct ProgramAttributes: Hashable, Codable, Sendable {
    /// Individual Placement and Support: evidence-based supported employment with zero exclusion.
    public var ips: Bool = false
    public var ipsFidelity: IPSFidelity?
    /// Housing First: no sobriety or treatment precondition.
    public var housingFirst: Bool = false
    /// The opposite of Housing First: sobriety (or treatment) is a condition of entry.
    public var sobrietyRequired: Bool = false
    public var faithBased: Bool = false
    public var faithTradition: String?
    public var peerRun: Bool = false
    public var traumaInformed: Bool = false
    public var telehealth: Bool = false

    public init() {}

    enum CodingKeys: String, CodingKey {
        case ips, ipsFidelity = "ips_fidelity", housingFirst = "housing_first", sobrietyRequired = "sobriety_required"
        case faithBased = "faith_based", faithTradition = "faith_tradition", peerRun = "peer_run"
        case traumaInformed = "trauma_informed", telehealth
    }
}

/// The IPS Fidelity Scale's bands.
public enum IPSFidelity: String, Vocabulary, Hashable, Sendable, Comparable {
    public static let vocabularyName = "IPS fidelity band"

    case exemplary
    case good
    case fair
    case notIPS = "not-ips"

    public static func < (a: IPSFidelity, b: IPSFidelity) -> Bool { a.rank < b.rank }

    /// Higher is better.
    public var rank: Int {
        switch self {
        case .exemplary: 3
        case .good: 2
        case .fair: 1
        case .notIPS: 0
        }
    }
}
