import TrellisCore

/// What matching needs of a service, without its long texts: the index of 100,000 services must
/// stay small. The full record stays with the directory or the store. A class, so a candidate is
/// handed around with one reference count rather than a copy of every field.
final class IndexedService: Sendable {
    let id: String
    let name: String
    let organizationID: String
    let organizationName: String
    let active: Bool
    let availableForReferral: Bool
    let categories: [NeedCategory]
    let attributes: ProgramAttributes
    let languages: [String]
    let points: [Coordinate]
    /// Areas served with place names normalised for comparison (lower case, no "County").
    let areas: [ServiceArea]
    let eligibility: Eligibility
    /// Some payment method takes anyone: it names no insurance type ("None required", sliding
    /// scale, cash, free).
    let paymentOpen: Bool
    let capacity: Capacity?
    let lastVerified: CalendarDay?
    /// Sobriety stated only in the requirement texts ("must be clean and sober 30 days").
    let sobrietyInRequirements: Bool
    /// A criminal-record screen stated in the requirement texts.
    let criminalRecordScreen: Bool
    /// Veterans only, per the requirement texts.
    let veteransOnly: Bool
    let faithBased: Bool
    let requiresSobriety: Bool
    let isVirtual: Bool
    /// Access features the directory states the site has (sign language also from `ase` among
    /// its languages), and those it states it lacks.
    let accessOffered: CaseBits<AccessibilityFeature>
    let accessLacking: CaseBits<AccessibilityFeature>
    /// Trauma-informed care, from the taxonomy (`trellis:trauma-informed`) or the description's words.
    let traumaInformed: Bool
    /// The most each non-distance factor can give this service, for skipping it unread.
    let bound: ScoreBound
    /// The one state all the areas it serves lie in, when they name one: a person known to live
    /// elsewhere is outside them all.
    let confinedState: String?

    /// Words that make a payment method an insurance type a person may lack.
    static let insuranceWords = ["medicaid", "medicare", "insurance", "tricare", "champva", "chip", "hmo", "ppo", "medi-cal",
                                 "blue cross", "bluecross", "aetna", "cigna", "humana", "molina", "wellcare", "ambetter",
                                 "veterans affairs", "va benefits", "private pay insurance", "commercial"]

    static func isInsurance(_ method: String) -> Bool { insuranceWords.contains { method.containsBytes($0) } }

    /// - Parameter normaliser: remembers areas already normalised; a directory names the same few
    ///   thousand counties and cities over and over.
    init(_ s: Service, areas normaliser: inout AreaNormaliser) {
        id = s.id
        name = s.name
        organizationID = s.organizationID
        organizationName = s.organizationName
        active = s.status == .active
        availableForReferral = s.availableForReferral
        categories = s.categories
        attributes = s.attributes
        languages = s.languages
        points = s.locations.compactMap(\.coordinate)
        areas = s.areasServed.map { normaliser.normalised($0) }
        var eligibility = s.eligibility
        eligibility.paymentAccepted = eligibility.paymentAccepted.map { $0.lowercased() }
        // The requirement and residency texts are read once, below, into flags; the index keeps those.
        eligibility.requirements = []
        eligibility.residency = nil
        self.eligibility = eligibility
        paymentOpen = eligibility.paymentAccepted.contains { !Self.isInsurance($0) }
        capacity = s.capacity
        lastVerified = s.lastVerified
        let texts = (s.eligibility.requirements + [s.eligibility.residency ?? ""]).joined(separator: " ").lowercased()
        sobrietyInRequirements = RequirementText.demandsSobriety(texts)
        criminalRecordScreen = RequirementText.screensCriminalRecord(texts)
        veteransOnly = RequirementText.veteransOnly(texts)
        let faith = s.attributes.faithBased || s.categories.contains { $0.domain == .faith }
        faithBased = faith
        requiresSobriety = s.attributes.sobrietyRequired || RequirementText.demandsSobriety(texts)
        isVirtual = s.attributes.telehealth
        var offered = CaseBits(s.accessibility?.offers ?? [])
        if s.languages.contains("ase") { offered.insert(.signLanguage) }
        accessLacking = CaseBits(s.accessibility?.lacks ?? []).subtracting(offered)
        accessOffered = offered
        traumaInformed = s.attributes.traumaInformed || TraumaInformedText.mentions(s.description ?? "")
        bound = ScoreBound(capacity: s.capacity, languages: s.languages, attributes: s.attributes, faithBased: faith, lastVerified: s.lastVerified,
                           traumaInformed: traumaInformed, statesAccess: !offered.isEmpty)
        confinedState = Self.confinedState(of: areas)
    }

    static func confinedState(of areas: [ServiceArea]) -> String? {
        var state: String? = nil
        for area in areas {
            let this: String?
            switch area {
            case .state(let s): this = s
            case .county(_, let s?), .city(_, let s?): this = s
            case .postalCode(let z): this = USPostalCode.state(forZIP: z)
            default: this = nil
            }
            guard let this, state == nil || state == this else { return nil }
            state = this
        }
        return state
    }

    static func normalised(_ area: ServiceArea) -> ServiceArea {
        switch area {
        case .city(let c, let s): .city(c.lowercased().trimmingWhitespace(), state: s?.uppercased())
        case .county(let c, let s): County(c, state: s).map { .county($0.name, state: $0.state) } ?? .county(c, state: s?.uppercased())
        case .state(let s): .state(s.uppercased())
        case .postalCode(let z): .postalCode(String(z.trimmingWhitespace().prefix(5)))
        case .country(let c): .country(c.lowercased())
        case .radius, .anywhere: area
        }
    }

}

/// Reads trauma-informed care from a description's words ("trauma-informed", "Seeking Safety", "TF-CBT").
enum TraumaInformedText {
    static let cues = ["trauma-informed", "trauma informed", "seeking safety", "tf-cbt", "trauma-focused", "trauma focused"]

    static func mentions(_ text: String) -> Bool {
        guard !text.isEmpty else { return false }
        var text = text
        // ASCII (nearly every description) is read on its bytes: lower-casing a copy of each description
        // and searching it once per cue was a tenth of building the index.
        if let answer = text.withUTF8({ $0.allSatisfy { $0 < 0x80 } ? mentionsInASCII($0) : nil }) { return answer }
        return mentionsInLowercased(text)
    }

    /// The general reading, for any text.
    static func mentionsInLowercased(_ text: String) -> Bool {
        let lower = text.lowercased()
        return cues.contains { lower.containsBytes($0) }
    }

    /// The same answer as `mentionsInLowercased` for ASCII bytes, in one pass without a copy: each cue is
    /// "trauma" then "-" or " " then "informed" or "focused", or "seeking safety", or "tf-cbt".
    static func mentionsInASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        func follows(_ word: StaticString, at start: Int) -> Bool {
            let count = word.utf8CodeUnitCount
            guard start + count <= bytes.count else { return false }
            for k in 0..<count where lowercased(bytes[start + k]) != word.utf8Start[k] { return false }
            return true
        }
        var i = 0
        while i < bytes.count {
            // Lower case for letters; only "T"/"t" and "S"/"s" give a cue's first byte.
            switch bytes[i] | 0x20 {
            case UInt8(ascii: "t"):
                if follows("rauma", at: i + 1), i + 6 < bytes.count, bytes[i + 6] == UInt8(ascii: "-") || bytes[i + 6] == 0x20,
                   follows("informed", at: i + 7) || follows("focused", at: i + 7) { return true }
                if follows("f-cbt", at: i + 1) { return true }
            case UInt8(ascii: "s"):
                if follows("eeking safety", at: i + 1) { return true }
            default:
                break
            }
            i += 1
        }
        return false
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}

/// Reads screens that directories state only in words.
enum RequirementText {
    static func demandsSobriety(_ text: String) -> Bool {
        guard !text.isEmpty else { return false }
        if text.containsBytes("no sobriety") || text.containsBytes("sobriety not required") || text.containsBytes("not required to be sober") { return false }
        return ["sobriety", "clean and sober", "must be sober", "drug-free", "drug free", "alcohol-free", "abstinen", "days sober", "negative drug test"]
            .contains { text.containsBytes($0) }
    }

    static func screensCriminalRecord(_ text: String) -> Bool {
        ["no felon", "no criminal", "background check", "no sex offender", "no violent offense", "criminal history"].contains { text.containsBytes($0) }
    }

    static func veteransOnly(_ text: String) -> Bool {
        (text.containsBytes("veterans only") || text.containsBytes("veteran only") || text.containsBytes("must be a veteran")
         || text.containsBytes("for veterans") || text.containsBytes("honorably discharged")) && !text.containsBytes("non-veteran")
    }
}

/// `IndexedService.normalised` with a memory: parsing a county name was a seventh of building the
/// index of a million services, and the normalised areas are then shared rather than copied.
struct AreaNormaliser {
    private var known: [ServiceArea: ServiceArea] = [:]

    mutating func normalised(_ area: ServiceArea) -> ServiceArea {
        if let done = known[area] { return done }
        let done = IndexedService.normalised(area)
        if known.count < 100_000 { known[area] = done }  // a bound, should a directory name every place once
        return done
    }
}
