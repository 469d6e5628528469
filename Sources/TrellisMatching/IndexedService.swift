import TrellisCore

/// What matching needs of a service, without its long texts: the index of 100,000 services must
/// stay small. The full record stays with the directory or the store.
struct IndexedService: Sendable {
    var id: String
    var name: String
    var organizationID: String
    var organizationName: String
    var active: Bool
    var availableForReferral: Bool
    var categories: [NeedCategory]
    var attributes: ProgramAttributes
    var languages: [String]
    var points: [Coordinate]
    var areas: [ServiceArea]
    var eligibility: Eligibility
    var capacity: Capacity?
    var lastVerified: CalendarDay?
    /// Sobriety stated only in the requirement texts ("must be clean and sober 30 days").
    var sobrietyInRequirements: Bool
    /// A criminal-record screen stated in the requirement texts.
    var criminalRecordScreen: Bool
    /// Veterans only, per the requirement texts.
    var veteransOnly: Bool

    init(_ s: Service) {
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
        areas = s.areasServed
        var eligibility = s.eligibility
        eligibility.paymentAccepted = eligibility.paymentAccepted.map { $0.lowercased() }
        self.eligibility = eligibility
        capacity = s.capacity
        lastVerified = s.lastVerified
        let texts = (s.eligibility.requirements + [s.eligibility.residency ?? ""]).joined(separator: " ").lowercased()
        sobrietyInRequirements = RequirementText.demandsSobriety(texts)
        criminalRecordScreen = RequirementText.screensCriminalRecord(texts)
        veteransOnly = RequirementText.veteransOnly(texts)
    }

    var faithBased: Bool { attributes.faithBased || categories.contains { $0.domain == .faith } }
    var requiresSobriety: Bool { attributes.sobrietyRequired || sobrietyInRequirements }
    var isVirtual: Bool { attributes.telehealth }
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
