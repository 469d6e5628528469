extension DirectoryGenerator {
    struct Agency {
        let index: Int
        let key: String
        let id: String
        let name: String
        let slug: String
        let focus: Domain
        let place: Int
        let founded: Int
        let faith: String?
        /// Seeds the agency's history sentences, in its description and in its services' descriptions.
        let historySeed: UInt64
        let description: String
        let hasDescription: Bool
        let hasWebsite: Bool
        let url: String
        let email: String
        let phone: String
        let parentID: String?
        let added: Day
        let verified: Day
        let depth: Int
    }

    enum CoordinateQuirk { case none, datumOnly, latitude100 }

    struct Site {
        let index: Int
        let key: String
        let id: String
        let name: String
        let place: Int
        let line1: String
        let line2: String?
        let zip: String
        let latitude: Int
        let longitude: Int
        let coordinateQuirk: CoordinateQuirk
        let badLatitudeHSDS: Bool
        let upperCaseCounty: Bool
        let languages: UInt16
        let hours: String
        let phone: String
        let accessibility: String
    }

    enum AreaServed {
        case none
        case counties([Int])
        case zips([String])
        case statewide
        case allAreas
    }

    struct Capacity {
        let unit: String
        let available: Int
        let maximum: Int?
        let updated: Day
    }

    struct Service {
        let index: Int
        let key: String
        let id: String
        let kind: Int
        let name: String
        /// The name without the agency's: "Emergency Shelter".
        let baseName: String
        let terms: [Term]
        let languages: UInt16
        let writesOwnLanguages: Bool
        let minimumAge: Int?
        let maximumAge: Int?
        let ageText: String?
        let gender: String?
        let income: String?
        let residency: String?
        let otherRequirement: String?
        let eligibility: String
        let applicationProcess: String
        let documents: [String]
        let fees: String
        let payments: [String]
        let hours: String
        let dayHours: (from: String, to: String)?
        let phone: String
        let tollFree: String?
        let areas: AreaServed
        let added: Day
        let verified: Day
        let availableForReferral: Bool
        let inactive: Bool
        let broken: Bool
        let capacities: [Capacity]
        let url: String?
        let email: String?
        let descriptionSeed: UInt64
        let descriptionLength: Int
        // AIRS quirks.
        let iCarolExtras: Bool
        let facet: String?
        let htmlMarkup: Bool
        let emptyPhone: Bool
        let joinedLanguages: Bool
        // HSDS quirks and omissions.
        let numbersAsStrings: Bool
        let noLocation: Bool
        let noPhones: Bool
        let noSchedule: Bool
    }

    enum Event {
        case agencyStart(Agency)
        case siteStart(Site, Agency)
        case service(Service, Site, Agency)
        case siteEnd(Site)
        /// After an agency's own sites, before any child agency.
        case agencySitesEnd(Agency)
        case agencyEnd(Agency)
    }
}
