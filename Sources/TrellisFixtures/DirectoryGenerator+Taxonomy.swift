extension DirectoryGenerator {
    enum Domain: Int, Sendable { case housing, employment, clinical, peer, faith, general }

    /// One taxonomy code with the term name HSDS writes beside it.
    struct Term: Sendable {
        let code: String
        let name: String
        var taxonomy: String { code.hasPrefix("trellis:") ? "trellis" : "AIRS/211" }
    }

    /// A kind of service the generator writes: its codes, names and texts.
    struct Kind: Sendable {
        let term: Term
        let domain: Domain
        let weight: Int
        let names: [String]
        /// Mapped codes sometimes added beside the main one.
        let extraTerms: [Term]
        let overview: [Template]
        /// Kind-specific details followed by the generic ones.
        let details: [Template]
        let hours: [String]
        let fees: [String]
        let payments: [String]
        let documents: [String]
        let capacityUnit: String?
        let isHousing: Bool

        /// A kind as the corpus writes it; its details are followed by the generic ones.
        init(_ entry: DirectoryCorpus.Kind) {
            term = Term(code: entry.code, name: entry.termName)
            domain = entry.domain
            weight = entry.weight
            names = entry.names
            extraTerms = entry.extra.map { Term(code: $0.code, name: $0.name) }
            overview = entry.overview.map(Template.init)
            details = entry.details.map(Template.init) + DirectoryGenerator.genericDetails
            hours = entry.hours
            fees = entry.fees
            payments = entry.payments
            documents = entry.documents
            capacityUnit = entry.capacity
            isHousing = domain == .housing
        }
    }

    static let unmappedTerms: [Term] = [
        Term(code: "TJ-3000.8500", name: "Information and Referral"),
        Term(code: "LR-1700", name: "Library Services"),
        Term(code: "FT-1800", name: "Legal Assistance"),
        Term(code: "TJ-4400.8100", name: "Volunteer Opportunities"),
        Term(code: "PL-6400.1500", name: "Recreational Activities"),
        Term(code: "HD-1800.6500", name: "Early Intervention"),
        Term(code: "BD-1800.2000", name: "Food Pantries"),
        Term(code: "BM-6500.1500", name: "Clothing"),
        Term(code: "LH-5000", name: "Health Screening"),
        Term(code: "TJ-3000.2000", name: "Community Information"),
    ]

    static let facetStrings = [
        "{what:'SHELTERS',who:'Adults'}", "{what:'CAMPS (residential)',why:'disability',who:'Children'}",
        "{what:'COUNSELLING',why:'mental health'}", "{what:'EMPLOYMENT',who:'Youth'}",
        "{what:'SUPPORT GROUPS',why:'addiction'}", "{what:'HOUSING',why:'homelessness',who:'Families'}",
    ]

    static let faithTraditions: [(slug: String, agencyNames: [String])] = [
        ("catholic", ["Catholic Charities of {city}", "St. Vincent de Paul Society of {city}", "Sisters of Mercy Outreach"]),
        ("lutheran", ["Lutheran Family Services", "Lutheran Social Ministries of {city}"]),
        ("methodist", ["Methodist Community Services", "United Methodist Outreach of {county}"]),
        ("baptist", ["First Baptist Community Outreach", "Mount Zion Baptist Family Center"]),
        ("christian", ["City Mission of {city}", "Hope Fellowship Ministries", "Good Samaritan Ministries"]),
        ("jewish", ["Jewish Family Service of {city}"]),
        ("muslim", ["Islamic Center of {city} Community Services", "Muslim Family Services"]),
        ("interfaith", ["Interfaith Hospitality Network of {county}", "{city} Interfaith Council"]),
    ]

    /// The kinds of service, read from the corpus.
    static let kinds: [Kind] = DirectoryCorpus.shared.kinds.map(Kind.init)

    static let kindWeights: [Int] = kinds.map(\.weight)

    /// For each domain, the kinds in it.
    static let kindsByDomain: [[Int]] = (0...Domain.general.rawValue).map { d in
        kinds.indices.filter { kinds[$0].domain.rawValue == d }
    }

    // Trellis program-attribute codes.
    static let peerRunTerm = Term(code: "trellis:peer-run", name: "Peer-Run Organization")
    static let traumaInformedTerm = Term(code: "trellis:trauma-informed", name: "Trauma-Informed Care")
    static let telehealthTerm = Term(code: "trellis:telehealth", name: "Telehealth Available")
    static let housingFirstTerm = Term(code: "trellis:housing-first", name: "Housing First")
    static let sobrietyTerm = Term(code: "trellis:sobriety-required", name: "Sobriety Required")
    static let ipsTerm = Term(code: "trellis:ips", name: "Individual Placement and Support")
    static let faithBasedTerm = Term(code: "trellis:faith-based", name: "Faith-Based Organization")
    static let fidelityLevels = ["exemplary", "good", "good", "good", "fair"]
}
