public import Foundation
public import TrellisCore

/// How much each factor counts, and the thresholds behind them (`config/scoring.json`).
public struct ScoringConfiguration: Codable, Hashable, Sendable {
    public struct Weights: Codable, Hashable, Sendable {
        public var distance: Double
        public var capacity: Double
        public var language: Double
        public var preferences: Double
        public var fidelity: Double
        public var freshness: Double
        public var responsiveness: Double
        /// The share of a person's access needs a service states it meets (docs/matching.md).
        public var accessibility: Double

        public init(distance: Double = 0.30, capacity: Double = 0.12, language: Double = 0.15, preferences: Double = 0.10,
                    fidelity: Double = 0.13, freshness: Double = 0.08, responsiveness: Double = 0.12, accessibility: Double = 0.15) {
            self.accessibility = accessibility
            self.distance = distance
            self.capacity = capacity
            self.language = language
            self.preferences = preferences
            self.fidelity = fidelity
            self.freshness = freshness
            self.responsiveness = responsiveness
        }

        enum CodingKeys: String, CodingKey {
            case distance, capacity, language, preferences, fidelity, freshness, responsiveness, accessibility
        }

        /// A weights file written before a factor existed takes that factor's standard weight.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Weights()
            distance = try c.decodeIfPresent(Double.self, forKey: .distance) ?? d.distance
            capacity = try c.decodeIfPresent(Double.self, forKey: .capacity) ?? d.capacity
            language = try c.decodeIfPresent(Double.self, forKey: .language) ?? d.language
            preferences = try c.decodeIfPresent(Double.self, forKey: .preferences) ?? d.preferences
            fidelity = try c.decodeIfPresent(Double.self, forKey: .fidelity) ?? d.fidelity
            freshness = try c.decodeIfPresent(Double.self, forKey: .freshness) ?? d.freshness
            responsiveness = try c.decodeIfPresent(Double.self, forKey: .responsiveness) ?? d.responsiveness
            accessibility = try c.decodeIfPresent(Double.self, forKey: .accessibility) ?? d.accessibility
        }
    }

    public var weights: Weights
    /// Used when the person states no maximum travel distance.
    public var defaultMaxDistanceKm: Double
    /// A language match counts this many times more when the person needs an interpreter.
    public var interpreterMultiplier: Double
    /// Details that count as the crisis services of a domain.
    public var crisisDetails: [NeedDomain: [String]]
    /// Records verified longer ago than this are warned about and scored down.
    public var staleAfterMonths: Int
    /// Records verified within this are scored up.
    public var freshWithinMonths: Int
    /// An answer slower than this (hours) counts against an agency; faster counts for it.
    public var expectedAnswerHours: Double
    /// Taken off a service that offers only the need's domain in general, so exact details lead.
    public var generalServicePenalty: Double

    public init(weights: Weights = Weights(), defaultMaxDistanceKm: Double = 25, interpreterMultiplier: Double = 2,
                crisisDetails: [NeedDomain: [String]] = [.clinical: ["crisis"], .housing: ["emergency_shelter"]],
                staleAfterMonths: Int = 18, freshWithinMonths: Int = 6, expectedAnswerHours: Double = 48,
                generalServicePenalty: Double = 0.05) {
        self.weights = weights
        self.defaultMaxDistanceKm = defaultMaxDistanceKm
        self.interpreterMultiplier = interpreterMultiplier
        self.crisisDetails = crisisDetails
        self.staleAfterMonths = staleAfterMonths
        self.freshWithinMonths = freshWithinMonths
        self.expectedAnswerHours = expectedAnswerHours
        self.generalServicePenalty = generalServicePenalty
    }

    public static let standard = ScoringConfiguration()

    enum CodingKeys: String, CodingKey {
        case weights
        case defaultMaxDistanceKm = "default_max_distance_km", interpreterMultiplier = "interpreter_multiplier"
        case crisisDetails = "crisis_details", staleAfterMonths = "stale_after_months"
        case freshWithinMonths = "fresh_within_months", expectedAnswerHours = "expected_answer_hours"
        case generalServicePenalty = "general_service_penalty"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ScoringConfiguration.standard
        weights = try c.decodeIfPresent(Weights.self, forKey: .weights) ?? d.weights
        defaultMaxDistanceKm = try c.decodeIfPresent(Double.self, forKey: .defaultMaxDistanceKm) ?? d.defaultMaxDistanceKm
        interpreterMultiplier = try c.decodeIfPresent(Double.self, forKey: .interpreterMultiplier) ?? d.interpreterMultiplier
        let crisis = try c.decodeIfPresent([String: [String]].self, forKey: .crisisDetails)
        crisisDetails = try crisis.map { raw in
            try Dictionary(uniqueKeysWithValues: raw.map { key, value in
                guard let domain = NeedDomain(rawValue: key) else {
                    throw DecodingError.dataCorruptedError(forKey: .crisisDetails, in: c, debugDescription: "unknown need domain \"\(key)\"")
                }
                return (domain, value)
            })
        } ?? d.crisisDetails
        staleAfterMonths = try c.decodeIfPresent(Int.self, forKey: .staleAfterMonths) ?? d.staleAfterMonths
        freshWithinMonths = try c.decodeIfPresent(Int.self, forKey: .freshWithinMonths) ?? d.freshWithinMonths
        expectedAnswerHours = try c.decodeIfPresent(Double.self, forKey: .expectedAnswerHours) ?? d.expectedAnswerHours
        generalServicePenalty = try c.decodeIfPresent(Double.self, forKey: .generalServicePenalty) ?? d.generalServicePenalty
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(weights, forKey: .weights)
        try c.encode(defaultMaxDistanceKm, forKey: .defaultMaxDistanceKm)
        try c.encode(interpreterMultiplier, forKey: .interpreterMultiplier)
        try c.encode(Dictionary(uniqueKeysWithValues: crisisDetails.map { ($0.key.rawValue, $0.value) }), forKey: .crisisDetails)
        try c.encode(staleAfterMonths, forKey: .staleAfterMonths)
        try c.encode(freshWithinMonths, forKey: .freshWithinMonths)
        try c.encode(expectedAnswerHours, forKey: .expectedAnswerHours)
        try c.encode(generalServicePenalty, forKey: .generalServicePenalty)
    }

    public init(json: Data) throws {
        self = try JSONDecoder().decode(ScoringConfiguration.self, from: json)
    }

    func isCrisis(_ category: NeedCategory) -> Bool {
        guard let detail = category.detail else { return false }
        return crisisDetails[category.domain]?.contains(detail) ?? false
    }
}

/// How an agency has answered referrals, measured from tracked referrals. Unknown is neutral.
public struct Responsiveness: Hashable, Codable, Sendable {
    /// Accepted ÷ answered, 0...1.
    public var acceptanceRate: Double
    /// Median hours from sending to the first answer.
    public var medianHoursToAnswer: Double
    /// How many referrals the figures rest on.
    public var referrals: Int

    public init(acceptanceRate: Double, medianHoursToAnswer: Double, referrals: Int) {
        self.acceptanceRate = acceptanceRate
        self.medianHoursToAnswer = medianHoursToAnswer
        self.referrals = referrals
    }

    enum CodingKeys: String, CodingKey {
        case acceptanceRate = "acceptance_rate", medianHoursToAnswer = "median_hours_to_answer", referrals
    }
}
