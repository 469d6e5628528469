/// What a case worker records with a person to find services: who they are (pseudonymously),
/// their circumstances, what they need and what they prefer. Matching never reads the name or
/// contact details; those travel only with a consented referral.
public struct NeedsProfile: Codable, Hashable, Sendable {
    public var person: Person
    public var circumstances: Circumstances
    public var needs: [Need]
    public var preferences: Preferences
    /// The person's support network (`Supporter`): sealed with the profile, never matched on or sent to an agency.
    public var supporters: [Supporter]?

    public init(person: Person, circumstances: Circumstances = Circumstances(), needs: [Need],
                preferences: Preferences = Preferences()) {
        self.person = person
        self.circumstances = circumstances
        self.needs = needs
        self.preferences = preferences
    }

    public init(person: Person, circumstances: Circumstances = Circumstances(), needs: [Need],
                preferences: Preferences = Preferences(), supporters: [Supporter]?) {
        self.init(person: person, circumstances: circumstances, needs: needs, preferences: preferences)
        self.supporters = supporters
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case person, circumstances, needs, preferences, supporters }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        person = try c.decode(Person.self, forKey: .person)
        circumstances = try c.decodeIfPresentRefusingNull(Circumstances.self, forKey: .circumstances) ?? Circumstances()
        needs = try c.decode([Need].self, forKey: .needs)
        preferences = try c.decodeIfPresentRefusingNull(Preferences.self, forKey: .preferences) ?? Preferences()
        supporters = try c.decodeIfPresentRefusingNull([Supporter].self, forKey: .supporters)
        if let supporters, supporters.count > Supporter.limit {
            throw DecodingError.dataCorruptedError(forKey: .supporters, in: c, debugDescription: "at most \(Supporter.limit) supporters")
        }
        if needs.isEmpty {
            throw DecodingError.dataCorruptedError(forKey: .needs, in: c, debugDescription: "at least one need is required")
        }
    }
}

extension NeedsProfile {
    public struct Person: Codable, Hashable, Sendable {
        /// A pseudonymous reference (`P-1042`), never a name.
        public var ref: String
        /// For the referral only; matching never reads these.
        public var name: String?
        public var phone: String?
        public var email: String?
        public var age: Int?
        public var gender: Gender?
        /// BCP 47 codes, most preferred first.
        public var languages: [String]
        public var interpreterNeeded: Bool
        public var location: Place?
        public var county: String?
        /// Two-letter state, when known (also derived from the postal code).
        public var state: String?
        public var city: String?
        public var insurance: [String]
        public var monthlyIncome: Double?
        public var householdSize: Int?
        public var veteran: Bool?

        public init(ref: String, age: Int? = nil, gender: Gender? = nil, languages: [String] = ["en"],
                    interpreterNeeded: Bool = false, location: Place? = nil, county: String? = nil,
                    state: String? = nil, city: String? = nil, insurance: [String] = [],
                    monthlyIncome: Double? = nil, householdSize: Int? = nil, veteran: Bool? = nil) {
            self.ref = ref
            self.age = age
            self.gender = gender
            self.languages = languages
            self.interpreterNeeded = interpreterNeeded
            self.location = location
            self.county = county
            self.state = state
            self.city = city
            self.insurance = insurance
            self.monthlyIncome = monthlyIncome
            self.householdSize = householdSize
            self.veteran = veteran
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case ref, name, phone, email, age, gender, languages, location, county, state, city, insurance, veteran
            case interpreterNeeded = "interpreter_needed", monthlyIncome = "monthly_income", householdSize = "household_size"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            ref = try c.decode(String.self, forKey: .ref)
            guard ref.nonBlank != nil else {
                throw DecodingError.dataCorruptedError(forKey: .ref, in: c, debugDescription: "a pseudonymous reference is required")
            }
            name = try c.decodeIfPresentRefusingNull(String.self, forKey: .name)
            phone = try c.decodeIfPresentRefusingNull(String.self, forKey: .phone)
            email = try c.decodeIfPresentRefusingNull(String.self, forKey: .email)
            age = try c.decodeIfPresentRefusingNull(Int.self, forKey: .age)
            if let age, !(0...125).contains(age) {
                throw DecodingError.dataCorruptedError(forKey: .age, in: c, debugDescription: "an age between 0 and 125 is expected")
            }
            gender = try c.decodeIfPresent(Gender.self, forKey: .gender)
            languages = try c.decodeIfPresentRefusingNull([String].self, forKey: .languages) ?? ["en"]
            for (index, code) in languages.enumerated() where LanguageCode.fromName(code) == nil {
                throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [CodingKeys.languages, AnyCodingKey(intValue: index)!],
                                                        debugDescription: "\"\(code)\" is not a language code (BCP 47, e.g. \"es\")"))
            }
            languages = languages.compactMap(LanguageCode.fromName)
            interpreterNeeded = try c.decodeIfPresentRefusingNull(Bool.self, forKey: .interpreterNeeded) ?? false
            location = try c.decodeIfPresentRefusingNull(Place.self, forKey: .location)
            county = try c.decodeIfPresent(String.self, forKey: .county)
            state = try c.decodeIfPresent(String.self, forKey: .state)
            if let state, !(state.count == 2 && state.allSatisfy { $0.isASCII && $0.isLetter }) {
                throw DecodingError.dataCorruptedError(forKey: .state, in: c, debugDescription: "a two-letter state code is expected (e.g. \"NE\")")
            }
            city = try c.decodeIfPresent(String.self, forKey: .city)
            insurance = try c.decodeIfPresentRefusingNull([String].self, forKey: .insurance) ?? []
            monthlyIncome = try c.decodeIfPresent(Double.self, forKey: .monthlyIncome)
            if let monthlyIncome, monthlyIncome < 0 {
                throw DecodingError.dataCorruptedError(forKey: .monthlyIncome, in: c, debugDescription: "income cannot be negative")
            }
            householdSize = try c.decodeIfPresent(Int.self, forKey: .householdSize)
            if let householdSize, householdSize < 1 {
                throw DecodingError.dataCorruptedError(forKey: .householdSize, in: c, debugDescription: "a household has at least one person")
            }
            veteran = try c.decodeIfPresent(Bool.self, forKey: .veteran)
        }
    }

    /// Where the person is: a point, or a postal code resolved through a centroid table.
    public enum Place: Codable, Hashable, Sendable {
        case coordinate(Coordinate)
        case postalCode(String)

        enum CodingKeys: String, CodingKey, CaseIterable { case latitude, longitude, postalCode = "postal_code" }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let code = try c.decodeIfPresent(String.self, forKey: .postalCode) {
                guard c.allKeys.count == 1 else {
                    throw DecodingError.dataCorruptedError(forKey: .postalCode, in: c, debugDescription: "give either latitude and longitude or a postal code, not both")
                }
                let code = code.trimmingWhitespace()
                guard Self.isZIP(code) else {
                    throw DecodingError.dataCorruptedError(forKey: .postalCode, in: c, debugDescription: "a ZIP code is expected: five digits, or five, a hyphen and four (e.g. \"68102\")")
                }
                self = .postalCode(code)
                return
            }
            let latitude = try c.decode(Double.self, forKey: .latitude)
            let longitude = try c.decode(Double.self, forKey: .longitude)
            guard let point = Coordinate(latitude: latitude, longitude: longitude) else {
                throw DecodingError.dataCorruptedError(forKey: .latitude, in: c, debugDescription: "latitude must be within ±90 and longitude within ±180")
            }
            self = .coordinate(point)
        }

        /// `68102` or `68102-1234`, as the schema's pattern says.
        static func isZIP(_ code: String) -> Bool {
            let parts = code.split(separator: "-", omittingEmptySubsequences: false)
            let digits = { (part: Substring, count: Int) in part.count == count && part.allSatisfy { $0.isASCII && $0.isNumber } }
            return digits(parts[0], 5) && (parts.count == 1 || (parts.count == 2 && digits(parts[1], 4)))
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .coordinate(let p):
                try c.encode(p.latitude, forKey: .latitude)
                try c.encode(p.longitude, forKey: .longitude)
            case .postalCode(let code):
                try c.encode(code, forKey: .postalCode)
            }
        }
    }

    public struct Circumstances: Codable, Hashable, Sendable {
        public var chronicallyHomeless = false
        public var activeSubstanceUse = false
        public var justiceInvolved = false
        public var seriousMentalIllness = false
        public var disability = false

        public init(chronicallyHomeless: Bool = false, activeSubstanceUse: Bool = false, justiceInvolved: Bool = false,
                    seriousMentalIllness: Bool = false, disability: Bool = false) {
            self.chronicallyHomeless = chronicallyHomeless
            self.activeSubstanceUse = activeSubstanceUse
            self.justiceInvolved = justiceInvolved
            self.seriousMentalIllness = seriousMentalIllness
            self.disability = disability
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case chronicallyHomeless = "chronically_homeless", activeSubstanceUse = "active_substance_use"
            case justiceInvolved = "justice_involved", seriousMentalIllness = "serious_mental_illness", disability
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            chronicallyHomeless = try c.decodeIfPresentRefusingNull(Bool.self, forKey: .chronicallyHomeless) ?? false
            activeSubstanceUse = try c.decodeIfPresentRefusingNull(Bool.self, forKey: .activeSubstanceUse) ?? false
            justiceInvolved = try c.decodeIfPresentRefusingNull(Bool.self, forKey: .justiceInvolved) ?? false
            seriousMentalIllness = try c.decodeIfPresentRefusingNull(Bool.self, forKey: .seriousMentalIllness) ?? false
            disability = try c.decodeIfPresentRefusingNull(Bool.self, forKey: .disability) ?? false
        }
    }

    public enum Urgency: String, Vocabulary, Hashable, Sendable, Comparable {
        public static let vocabularyName = "urgency"

        case routine, soon, urgent, crisis

        public static func < (a: Urgency, b: Urgency) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    public struct Need: Codable, Hashable, Sendable {
        public var domain: NeedDomain
        public var detail: String?
        public var urgency: Urgency
        /// The person's own words about this need; shared only under the `needs` consent category.
        public var notes: String?

        /// Longest `notes` a need takes (characters).
        public static let maximumNotesLength = 500

        public init(_ domain: NeedDomain, _ detail: String? = nil, urgency: Urgency = .routine, notes: String? = nil) {
            self.domain = domain
            self.detail = detail
            self.urgency = urgency
            self.notes = notes
        }

        public var category: NeedCategory { NeedCategory(domain, detail) }

        enum CodingKeys: String, CodingKey, CaseIterable { case domain, detail, urgency, notes }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            domain = try c.decode(NeedDomain.self, forKey: .domain)
            detail = try c.decodeIfPresent(String.self, forKey: .detail)?.nonBlank
            urgency = try c.decodeIfPresentRefusingNull(Urgency.self, forKey: .urgency) ?? .routine
            notes = try c.decodeIfPresent(String.self, forKey: .notes)?.nonBlank
            if let notes, notes.count > Self.maximumNotesLength {
                throw DecodingError.dataCorruptedError(forKey: .notes, in: c,
                                                       debugDescription: "notes are limited to \(Self.maximumNotesLength) characters")
            }
        }
    }

    public enum FaithOption: String, Vocabulary, Hashable, Sendable {
        public static let vocabularyName = "faith option"

        case notOffered = "not_offered"
        case optIn = "opt_in"
    }

    public struct Preferences: Codable, Hashable, Sendable {
        public var faithBased: FaithOption = .notOffered
        public var faithTradition: String?
        public var maxDistanceKm: Double?
        /// Half the Earth's circumference: no two places are farther apart.
        public static let longestDistanceKm = 20_040.0
        public var telehealthOK = false
        public var peerRunPreferred = false
        public var providerGender: Gender?
        public var notes: String?
        /// Access needs the service's site must meet (docs/matching.md, "Accessibility").
        public var accessibility: [AccessibilityFeature] = []
        /// Prefers services that state trauma-informed care.
        public var traumaInformed = false

        /// Longest `notes` the preferences take (characters).
        public static let maximumNotesLength = 2000

        public init(faithBased: FaithOption = .notOffered, faithTradition: String? = nil, maxDistanceKm: Double? = nil,
                    telehealthOK: Bool = false, peerRunPreferred: Bool = false, providerGender: Gender? = nil, notes: String? = nil,
                    accessibility: [AccessibilityFeature] = [], traumaInformed: Bool = false) {
            self.accessibility = accessibility
            self.traumaInformed = traumaInformed
            self.faithBased = faithBased
            self.faithTradition = faithTradition
            self.maxDistanceKm = maxDistanceKm
            self.telehealthOK = telehealthOK
            self.peerRunPreferred = peerRunPreferred
            self.providerGender = providerGender
            self.notes = notes
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case faithBased = "faith_based", faithTradition = "faith_tradition", maxDistanceKm = "max_distance_km"
            case telehealthOK = "telehealth_ok", peerRunPreferred = "peer_run_preferred"
            case providerGender = "provider_gender", notes, accessibility
            case traumaInformed = "trauma_informed"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            faithBased = try c.decodeIfPresentRefusingNull(FaithOption.self, forKey: .faithBased) ?? .notOffered
            faithTradition = try c.decodeIfPresent(String.self, forKey: .faithTradition)?.nonBlank?.lowercased()
            maxDistanceKm = try c.decodeIfPresent(Double.self, forKey: .maxDistanceKm)
            if let maxDistanceKm, !(maxDistanceKm > 0 && maxDistanceKm <= Self.longestDistanceKm) {
                throw DecodingError.dataCorruptedError(forKey: .maxDistanceKm, in: c,
                                                       debugDescription: "a distance above 0 and at most \(Int(Self.longestDistanceKm)) km is expected")
            }
            telehealthOK = try c.decodeIfPresentRefusingNull(Bool.self, forKey: .telehealthOK) ?? false
            peerRunPreferred = try c.decodeIfPresentRefusingNull(Bool.self, forKey: .peerRunPreferred) ?? false
            providerGender = try c.decodeIfPresent(Gender.self, forKey: .providerGender)
            notes = try c.decodeIfPresent(String.self, forKey: .notes)
            if let notes, notes.count > Self.maximumNotesLength {
                throw DecodingError.dataCorruptedError(forKey: .notes, in: c,
                                                       debugDescription: "notes are limited to \(Self.maximumNotesLength) characters")
            }
            // Each need once, in the vocabulary's order: the same profile always ranks the same way.
            accessibility = Array(Set(try c.decodeIfPresentRefusingNull([AccessibilityFeature].self, forKey: .accessibility) ?? [])).sorted()
            traumaInformed = try c.decodeIfPresentRefusingNull(Bool.self, forKey: .traumaInformed) ?? false
        }
    }
}
