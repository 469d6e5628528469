/// One service a provider offers, as read from a directory and mapped onto need domains.
public struct Service: Identifiable, Hashable, Codable, Sendable {
    /// Stable id derived from the source and the record's own key (`StableID.service`).
    public var id: String
    public var name: String
    public var description: String?
    public var organizationID: String
    public var organizationName: String
    public var status: ServiceStatus
    public var availableForReferral: Bool
    /// Taxonomy codes as the directory gives them.
    public var taxonomyCodes: [String]
    /// Need categories the codes map to.
    public var categories: [NeedCategory]
    public var attributes: ProgramAttributes
    /// BCP 47 language codes (`es`, `vi`, `ase`).
    public var languages: [String]
    public var locations: [Location]
    public var areasServed: [ServiceArea]
    public var eligibility: Eligibility
    /// Opening times as the directory states them.
    public var hours: String?
    public var fees: String?
    /// How to apply, as the directory words it (AIRS `ApplicationProcess`, HSDS `application_process`):
    /// what a case worker tells the person for a warm handoff.
    public var applicationProcess: String?
    public var capacity: Capacity?
    public var lastVerified: CalendarDay?
    public var phones: [String]
    public var url: String?
    public var email: String?
    public var provenance: Provenance
    /// What the directory says of the site's accessibility; nil when it says nothing.
    public var accessibility: ServiceAccessibility?

    public init(id: String, name: String, description: String? = nil, organizationID: String, organizationName: String,
                status: ServiceStatus = .active, availableForReferral: Bool = true, taxonomyCodes: [String] = [],
                categories: [NeedCategory] = [], attributes: ProgramAttributes = ProgramAttributes(),
                languages: [String] = [], locations: [Location] = [], areasServed: [ServiceArea] = [],
                eligibility: Eligibility = Eligibility(), hours: String? = nil, fees: String? = nil,
                capacity: Capacity? = nil, lastVerified: CalendarDay? = nil, phones: [String] = [],
                url: String? = nil, email: String? = nil, applicationProcess: String? = nil, provenance: Provenance, accessibility: ServiceAccessibility? = nil) {
        self.id = id
        self.name = name
        self.description = description
        self.organizationID = organizationID
        self.organizationName = organizationName
        self.status = status
        self.availableForReferral = availableForReferral
        self.taxonomyCodes = taxonomyCodes
        self.categories = categories
        self.attributes = attributes
        self.languages = languages
        self.locations = locations
        self.areasServed = areasServed
        self.eligibility = eligibility
        self.hours = hours
        self.fees = fees
        self.applicationProcess = applicationProcess
        self.capacity = capacity
        self.lastVerified = lastVerified
        self.phones = phones
        self.url = url
        self.email = email
        self.provenance = provenance
        self.accessibility = accessibility
    }

    public var domains: Set<NeedDomain> { Set(categories.map(\.domain)) }

    enum CodingKeys: String, CodingKey {
        case id, name, description, status, attributes, languages, locations, eligibility, hours, fees, capacity
        case phones, url, email, provenance, categories, accessibility
        case organizationID = "organization_id", organizationName = "organization_name"
        case availableForReferral = "available_for_referral", taxonomyCodes = "taxonomy_codes"
        case areasServed = "areas_served", lastVerified = "last_verified", applicationProcess = "application_process"
    }
}

public enum ServiceStatus: String, Vocabulary, Hashable, Sendable {
    public static let vocabularyName = "service status"

    case active
    case inactive
    case defunct
    case temporarilyClosed = "temporarily closed"
}
