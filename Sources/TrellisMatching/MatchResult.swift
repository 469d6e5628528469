public import TrellisCore

/// Why a service ranks where it does: a sentence for people, a code for machines, and what the
/// factor added to the score.
public struct MatchReason: Codable, Hashable, Sendable {
    public var code: String
    public var text: String
    public var weight: Double

    public init(code: String, text: String, weight: Double) {
        self.code = code
        self.text = text
        self.weight = weight
    }
}

/// Something a case worker should know before referring (a waitlist, a stale record).
public struct MatchWarning: Codable, Hashable, Sendable {
    public var code: String
    public var text: String

    public init(code: String, text: String) {
        self.code = code
        self.text = text
    }
}

/// One ranked service for one need.
public struct RankedService: Codable, Hashable, Sendable {
    public var serviceID: String
    public var serviceName: String
    public var organizationID: String
    public var organization: String
    public var score: Double
    public var distanceKm: Double?
    public var faithBased: Bool
    public var reasons: [MatchReason]
    public var warnings: [MatchWarning]

    enum CodingKeys: String, CodingKey {
        case serviceID = "service_id", serviceName = "service_name", organizationID = "organization_id"
        case organization, score, reasons, warnings
        case distanceKm = "distance_km", faithBased = "faith_based"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(serviceID, forKey: .serviceID)
        try c.encode(serviceName, forKey: .serviceName)
        try c.encode(organizationID, forKey: .organizationID)
        try c.encode(organization, forKey: .organization)
        try c.encode(score, forKey: .score)
        // null rather than absent: the key is part of the contract.
        try c.encode(distanceKm, forKey: .distanceKm)
        try c.encode(faithBased, forKey: .faithBased)
        try c.encode(reasons, forKey: .reasons)
        try c.encode(warnings, forKey: .warnings)
    }
}

/// The ranked services for one need of the profile.
public struct NeedMatches: Codable, Hashable, Sendable {
    public struct NeedSummary: Codable, Hashable, Sendable {
        public var domain: NeedDomain
        public var detail: String?
        public var urgency: NeedsProfile.Urgency

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(domain, forKey: .domain)
            try c.encode(detail, forKey: .detail)
            try c.encode(urgency, forKey: .urgency)
        }
    }

    public var need: NeedSummary
    public var results: [RankedService]
}

/// Everything `match` says about a profile.
public struct MatchOutcome: Codable, Hashable, Sendable {
    public var matches: [NeedMatches]
    /// Services a rule excluded among those the search considered for the needs (each can be
    /// explained); the same for the same directory and profile.
    public var excluded: Int
}

/// Why one service was excluded for a need, or how it scored.
public struct ServiceExplanation: Codable, Hashable, Sendable {
    public struct ForNeed: Codable, Hashable, Sendable {
        public var need: NeedMatches.NeedSummary
        /// False when the service offers nothing in this need's domain and detail.
        public var offersThisNeed: Bool
        public var excludedBy: MatchReason?
        public var score: Double?
        public var distanceKm: Double?
        /// Every factor, including those that added nothing.
        public var breakdown: [MatchReason]
        public var warnings: [MatchWarning]

        enum CodingKeys: String, CodingKey {
            case need, score, breakdown, warnings
            case offersThisNeed = "offers_this_need", excludedBy = "excluded_by", distanceKm = "distance_km"
        }
    }

    public var serviceID: String
    public var serviceName: String
    public var organization: String
    public var categories: [String]
    public var needs: [ForNeed]

    enum CodingKeys: String, CodingKey {
        case serviceID = "service_id", serviceName = "service_name", organization, categories, needs
    }
}

/// A profile matching cannot use, naming the field at fault.
public struct ProfileError: Error, Hashable, Sendable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
