import TrellisCore

/// Generates realistic synthetic provider directories, as 211 AIRS XML or Open Referral HSDS JSON,
/// for benchmarks, load tests and demos.
///
/// The same `services` and `seed` always give the same bytes. Both formats describe the same
/// directory (agencies, sites, services, texts); each format adds its own real-export quirks at the
/// rates in ``Rates``. Output is streamed in chunks of about 64 KB, so a directory of any size is
/// generated in constant memory.
public struct DirectoryGenerator: Sendable {
    public enum Format: String, CaseIterable, Sendable { case airs, hsds }

    public let services: Int
    public let seed: UInt64

    public init(services: Int, seed: UInt64 = 1) {
        self.services = max(0, services)
        self.seed = seed
    }

    /// Streams the directory as UTF-8 text chunks of about 64 KB, in constant memory.
    public func generate(_ format: Format, into sink: (String) throws -> Void) rethrows {
        switch format {
        case .airs:
            var writer = AIRSWriter(seed: seed)
            try run(&writer, into: sink)
        case .hsds:
            var writer = HSDSWriter(seed: seed, total: services)
            try run(&writer, into: sink)
        }
    }

    /// Size of the chunks handed to the sink.
    static let chunkBytes = 64 * 1024

    private func run(_ writer: inout some DirectoryGeneratorWriter, into sink: (String) throws -> Void) rethrows {
        var out = ""
        // One agency piece is at most a few KB past the limit before it is flushed.
        out.reserveCapacity(Self.chunkBytes + 16 * 1024)
        writer.begin(into: &out)
        var plan = Plan(seed: seed, services: services)
        while let event = plan.next() {
            writer.write(event, into: &out)
            if out.utf8.count >= Self.chunkBytes {
                try sink(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        writer.end(into: &out)
        if !out.isEmpty { try sink(out) }
    }
}

/// Renders the generator's events in one format.
protocol DirectoryGeneratorWriter {
    mutating func begin(into out: inout String)
    mutating func write(_ event: DirectoryGenerator.Event, into out: inout String)
    mutating func end(into out: inout String)
}

// MARK: - Rates

extension DirectoryGenerator {
    /// How often each feature and real-export quirk appears (a fraction of the records named).
    enum Rates {
        // Structure.
        /// Agencies holding a nested child agency (AIRS) / with a `parent_organization_id` (HSDS).
        static let childAgency = 0.05
        /// Agencies run by a faith community (their services carry faith-based + a tradition).
        static let faithAgency = 0.08

        // Service content (share of services).
        static let unmappedCodes = 0.15
        static let ageRequirement = 0.30
        static let genderRequirement = 0.05
        static let incomeLimit = 0.10
        static let residency = 0.25
        static let inactive = 0.02
        static let notAvailableForReferral = 0.03
        /// Broken records that a reader must reject: an AIRS SiteService with no Taxonomy, an HSDS
        /// service with no `status`.
        static let broken = 0.001

        // Program attributes.
        static let ipsOfSupportedEmployment = 0.40
        static let housingFirstOfHousing = 0.30
        static let sobrietyRequiredOfHousing = 0.15
        static let peerRunOfPeerSupport = 0.45
        static let peerRunOther = 0.03
        static let traumaInformed = 0.25
        static let telehealthClinical = 0.30
        static let telehealthOther = 0.08

        // AIRS quirks.
        /// Site County written in upper case ("DOUGLAS"), as Nebraska's 211 export does.
        static let upperCaseCounty = 0.30
        /// iCarol puts AKA, URL and Email inside SiteService (share of services).
        static let iCarolExtras = 0.015
        /// A `{what:'...'}` facet string as an extra Taxonomy/Code (share of services).
        static let facetCode = 0.015
        /// `&amp;lt;b&amp;gt;` in the Description (share of services).
        static let doubleEscapedHTML = 0.015
        /// An extra Phone with an empty `<PhoneNumber />` (share of services).
        static let emptyPhoneNumber = 0.02
        /// Languages written as one Name, "English, Spanish, Vietnamese" (share of services).
        static let joinedLanguages = 0.02
        /// A site's SpatialLocation holds only a Datum of "lat, lon" (share of sites).
        static let datumCoordinates = 0.015
        /// A site's Latitude is 100 (share of sites).
        static let latitude100 = 0.01

        // HSDS quirks.
        /// Ages, coordinates and capacities written as JSON strings (share of services).
        static let numbersAsStrings = 0.02
        /// A location's latitude out of range (share of sites).
        static let badLatitude = 0.005
        /// Housing services with a 3.1 `capacities` entry, and with a "waitlist" unit.
        static let capacityOfHousing = 0.50
        static let waitlistOfHousing = 0.10
        /// Telehealth services without `service_at_locations`; services without `phones`, `schedules`.
        static let noLocationOfTelehealth = 0.12
        static let noPhones = 0.05
        static let noSchedule = 0.08
    }
}

// MARK: - PRNG and ids

extension DirectoryGenerator {
    /// Salts for the record streams and ids.
    enum Salt: UInt64 {
        case structure = 1, agency, site, service
        case organizationID, locationID, serviceID, serviceAtLocationID, attributeID, termID, capacityID, unitID
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A deterministic version-4-format UUID for record `index` of kind `salt`.
    static func uuid(seed: UInt64, _ salt: Salt, _ index: Int) -> String {
        var rng = SplitMix64(seed: seed, salt: salt.rawValue, index: index)
        let hi = (rng.next() & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let lo = (rng.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        for (i, word) in [hi, lo].enumerated() {
            for nibble in 0..<16 {
                let position = i * 16 + nibble
                if position == 8 || position == 12 || position == 16 || position == 20 {
                    bytes.append(UInt8(ascii: "-"))
                }
                bytes.append(hexDigits[Int((word >> UInt64(60 - nibble * 4)) & 0xF)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A stable small hash of a string (FNV-1a), for ids of taxonomy terms.
    static func hash(_ text: String) -> Int {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return Int(truncatingIfNeeded: h >> 1)
    }
}

// MARK: - Number and date formatting

extension DirectoryGenerator {
    /// Millionths of a degree as a decimal with six places ("41.256384", "-95.934500").
    static func degrees(_ micro: Int) -> String {
        let negative = micro < 0
        let magnitude = negative ? -micro : micro
        let fraction = String(magnitude % 1_000_000)
        let zeros = String(repeating: "0", count: 6 - fraction.utf8.count)
        return (negative ? "-" : "") + String(magnitude / 1_000_000) + "." + zeros + fraction
    }

    /// "2,500", "30,000".
    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        guard n >= 1000 else { return digits }
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return out
    }

    static func twoDigits(_ n: Int) -> String { n < 10 ? "0" + String(n) : String(n) }

    /// A day as YYYY-MM-DD.
    struct Day {
        var year: Int
        var month: Int
        var day: Int
        var iso: String { String(year) + "-" + DirectoryGenerator.twoDigits(month) + "-" + DirectoryGenerator.twoDigits(day) }

        /// A day in the given years; the last year only up to October (the data's "now").
        static func random(years: ClosedRange<Int>, using rng: inout SplitMix64) -> Day {
            let year = rng.int(in: years)
            let month = rng.int(in: 1...(year == 2026 ? 10 : 12))
            return Day(year: year, month: month, day: rng.int(in: 1...28))
        }
    }
}

// MARK: - Vocabulary: places

extension DirectoryGenerator {
    /// A county with its seat: where sites are put.
    struct Place: Sendable {
        let county: String
        let state: String
        let city: String
        /// Millionths of a degree.
        let latitude: Int
        let longitude: Int
        let areaCode: String
        let zips: [String]

        init(_ county: String, _ state: String, _ city: String, _ lat: Double, _ lon: Double, _ areaCode: String, _ zips: String) {
            self.county = county
            self.state = state
            self.city = city
            latitude = Int((lat * 1_000_000).rounded())
            longitude = Int((lon * 1_000_000).rounded())
            self.areaCode = areaCode
            self.zips = zips.split(separator: " ").map(String.init)
        }

        var countyName: String { county + " County" }
        var stateName: String { DirectoryGenerator.stateNames[state] ?? state }
    }

    static let stateNames: [String: String] = [
        "NE": "Nebraska", "IA": "Iowa", "MN": "Minnesota", "WI": "Wisconsin", "MO": "Missouri", "KS": "Kansas",
        "CO": "Colorado", "OH": "Ohio", "TX": "Texas", "WA": "Washington", "OR": "Oregon",
    ]

    /// 43 counties in 11 states, with coordinates near the county seat and some of its ZIP codes.
    static let places: [Place] = [
        Place("Douglas", "NE", "Omaha", 41.2565, -95.9345, "402", "68102 68104 68105 68106 68107 68108 68110 68111 68131 68132 68134"),
        Place("Sarpy", "NE", "Papillion", 41.1544, -96.0422, "402", "68046 68133 68128 68005 68123"),
        Place("Lancaster", "NE", "Lincoln", 40.8136, -96.7026, "402", "68502 68503 68504 68505 68508 68510 68516"),
        Place("Hall", "NE", "Grand Island", 40.9264, -98.3420, "308", "68801 68803"),
        Place("Pottawattamie", "IA", "Council Bluffs", 41.2619, -95.8608, "712", "51501 51503"),
        Place("Polk", "IA", "Des Moines", 41.5868, -93.6250, "515", "50309 50310 50311 50312 50313 50314 50315 50316"),
        Place("Linn", "IA", "Cedar Rapids", 41.9779, -91.6656, "319", "52401 52402 52403 52404 52405"),
        Place("Scott", "IA", "Davenport", 41.5236, -90.5776, "563", "52801 52802 52803 52804 52806"),
        Place("Black Hawk", "IA", "Waterloo", 42.4928, -92.3426, "319", "50701 50702 50703"),
        Place("Hennepin", "MN", "Minneapolis", 44.9778, -93.2650, "612", "55401 55403 55404 55405 55406 55407 55408 55411"),
        Place("Ramsey", "MN", "Saint Paul", 44.9537, -93.0900, "651", "55101 55102 55104 55106 55117"),
        Place("Olmsted", "MN", "Rochester", 44.0121, -92.4802, "507", "55901 55902 55904 55906"),
        Place("St. Louis", "MN", "Duluth", 46.7867, -92.1005, "218", "55802 55803 55805 55806 55811"),
        Place("Milwaukee", "WI", "Milwaukee", 43.0389, -87.9065, "414", "53202 53204 53205 53206 53208 53210 53212 53215"),
        Place("Dane", "WI", "Madison", 43.0731, -89.4012, "608", "53703 53704 53705 53711 53713 53714"),
        Place("Brown", "WI", "Green Bay", 44.5133, -88.0133, "920", "54301 54302 54303 54304"),
        Place("Jackson", "MO", "Kansas City", 39.0997, -94.5786, "816", "64105 64106 64108 64109 64110 64111 64127 64128"),
        Place("St. Louis", "MO", "Clayton", 38.6426, -90.3237, "314", "63105 63117 63119 63122 63130 63136"),
        Place("Greene", "MO", "Springfield", 37.2090, -93.2923, "417", "65802 65803 65804 65806 65807"),
        Place("Boone", "MO", "Columbia", 38.9517, -92.3341, "573", "65201 65202 65203"),
        Place("Sedgwick", "KS", "Wichita", 37.6872, -97.3301, "316", "67202 67203 67204 67208 67211 67214"),
        Place("Johnson", "KS", "Olathe", 38.8814, -94.8191, "913", "66061 66062 66210 66212 66215"),
        Place("Shawnee", "KS", "Topeka", 39.0473, -95.6752, "785", "66603 66604 66606 66608 66611"),
        Place("Denver", "CO", "Denver", 39.7392, -104.9903, "303", "80202 80203 80204 80205 80206 80210 80211 80218 80219"),
        Place("El Paso", "CO", "Colorado Springs", 38.8339, -104.8214, "719", "80903 80904 80905 80907 80909 80910"),
        Place("Larimer", "CO", "Fort Collins", 40.5853, -105.0844, "970", "80521 80524 80525 80526"),
        Place("Pueblo", "CO", "Pueblo", 38.2544, -104.6091, "719", "81001 81003 81004 81005"),
        Place("Franklin", "OH", "Columbus", 39.9612, -82.9988, "614", "43201 43202 43203 43204 43205 43206 43207 43211 43215"),
        Place("Cuyahoga", "OH", "Cleveland", 41.4993, -81.6944, "216", "44102 44103 44104 44105 44106 44108 44113 44115"),
        Place("Hamilton", "OH", "Cincinnati", 39.1031, -84.5120, "513", "45202 45203 45205 45206 45214 45219 45225"),
        Place("Lucas", "OH", "Toledo", 41.6528, -83.5379, "419", "43604 43605 43607 43608 43609 43610"),
        Place("Travis", "TX", "Austin", 30.2672, -97.7431, "512", "78701 78702 78704 78721 78723 78741 78744 78753"),
        Place("Bexar", "TX", "San Antonio", 29.4241, -98.4936, "210", "78201 78202 78203 78204 78207 78210 78211 78237"),
        Place("Harris", "TX", "Houston", 29.7604, -95.3698, "713", "77002 77003 77004 77009 77011 77020 77021 77026"),
        Place("Lubbock", "TX", "Lubbock", 33.5779, -101.8552, "806", "79401 79403 79404 79411 79415"),
        Place("King", "WA", "Seattle", 47.6062, -122.3321, "206", "98101 98104 98108 98118 98122 98133 98144"),
        Place("Spokane", "WA", "Spokane", 47.6588, -117.4260, "509", "99201 99202 99205 99207 99208"),
        Place("Pierce", "WA", "Tacoma", 47.2529, -122.4443, "253", "98402 98404 98405 98408 98409"),
        Place("Snohomish", "WA", "Everett", 47.9790, -122.2021, "425", "98201 98203 98204"),
        Place("Multnomah", "OR", "Portland", 45.5152, -122.6784, "503", "97202 97203 97206 97211 97214 97217 97220 97233"),
        Place("Lane", "OR", "Eugene", 44.0521, -123.0868, "541", "97401 97402 97403 97404 97405"),
        Place("Marion", "OR", "Salem", 44.9429, -123.0351, "503", "97301 97302 97303 97305"),
    ]

    /// For each place, the other places in its state.
    static let neighbors: [[Int]] = places.indices.map { i in
        places.indices.filter { $0 != i && places[$0].state == places[i].state }
    }

    static let streets = [
        "Main", "Oak", "Maple", "Cedar", "Park", "Washington", "Lincoln", "Jefferson", "Lake", "Hill", "Pine", "Elm",
        "2nd", "3rd", "5th", "10th", "24th", "33rd", "Center", "Grand", "Broadway", "Market", "Church", "Spring",
        "Walnut", "Chestnut", "Franklin", "Jackson", "Madison", "Harrison", "Dodge", "Cuming", "Prospect",
        "Riverside", "Highland", "University", "Martin Luther King Jr.", "Cesar Chavez", "Vine", "Locust",
    ]
    static let streetTypes = ["Street", "Avenue", "Boulevard", "Road", "Drive", "St", "Ave", "St.", "Ave.", "Parkway"]
    static let directions = ["North", "South", "East", "West", "N.", "S.", "E.", "W."]
}

// MARK: - Vocabulary: languages

extension DirectoryGenerator {
    struct Language: Sendable {
        let name: String
        /// Another name exports use for it, some of the time.
        let altName: String?
        let code: String
        let rate: Double
    }

    /// English always; the others at roughly the rates seen in Midwest 211 directories.
    static let languages: [Language] = [
        Language(name: "English", altName: nil, code: "en", rate: 1),
        Language(name: "Spanish", altName: nil, code: "es", rate: 0.34),
        Language(name: "Vietnamese", altName: nil, code: "vi", rate: 0.06),
        Language(name: "Somali", altName: nil, code: "so", rate: 0.04),
        Language(name: "Arabic", altName: nil, code: "ar", rate: 0.05),
        Language(name: "Karen", altName: nil, code: "kar", rate: 0.02),
        Language(name: "Russian", altName: nil, code: "ru", rate: 0.04),
        Language(name: "Chinese", altName: "Mandarin", code: "zh", rate: 0.04),
        Language(name: "American Sign Language", altName: "ASL", code: "ase", rate: 0.05),
    ]

    /// A set of languages as bits over ``languages``; English is always in it.
    static func drawLanguages(_ rng: inout SplitMix64) -> UInt16 {
        var set: UInt16 = 1
        for (i, language) in languages.enumerated() where i > 0 && rng.chance(language.rate) {
            set |= 1 << UInt16(i)
        }
        return set
    }
}

// MARK: - Vocabulary: taxonomy and service kinds

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

        init(_ code: String, _ termName: String, _ domain: Domain, weight: Int, names: [String], extra: [Term] = [],
             hours: [String] = [], fees: [String], payments: [String], documents: [String], capacity: String? = nil,
             overview: [String], details: [String]) {
            term = Term(code: code, name: termName)
            self.domain = domain
            self.weight = weight
            self.names = names
            extraTerms = extra
            self.overview = overview.map(Template.init)
            self.details = details.map(Template.init) + DirectoryGenerator.genericDetails
            self.hours = hours
            self.fees = fees
            self.payments = payments
            self.documents = documents
            capacityUnit = capacity
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

    static let kinds: [Kind] = [
        Kind("BH-1800.8500", "Emergency Shelter", .housing, weight: 10,
             names: ["Emergency Shelter", "Overnight Shelter", "Family Shelter", "Winter Overflow Shelter", "Emergency Housing Program"],
             extra: [Term(code: "BH-1800.1000", name: "Emergency Shelter")],
             hours: ["Check-in nightly 6:00 pm-9:00 pm; guests leave by 7:30 am", "24 hours, 7 days a week", "Intake Mon-Fri 8 am-11 am; shelter open nightly from 6 pm"],
             fees: ["None", "Free", "No fee"], payments: ["None required"],
             documents: ["Photo ID if available", "None"], capacity: "beds",
             overview: [
                "{agency} operates a {num}-bed emergency shelter in {city} for adults and families who have nowhere safe to sleep tonight.",
                "Guests receive a safe place to sleep, a hot evening meal, showers, laundry and a locker for personal belongings.",
                "The shelter is low-barrier: guests are not turned away because of income, criminal history or past stays, and pets can be accommodated in the kennel area when space allows.",
                "Case managers meet with each guest within {few} days of arrival to build a housing plan and connect them with rapid rehousing, benefits and employment help.",
                "During extreme weather the shelter opens overflow cots and extends daytime hours so that no one in {county} has to sleep outside.",
                "Families with children stay in private rooms on a separate floor, and school transportation is arranged with the local district so children can stay in their home school.",
             ],
             details: [
                "Check-in begins at {evening} each evening; guests who arrive after lights out should call ahead so staff can hold a bed.",
                "Breakfast is served at 6:30 am and guests may leave belongings in their locker during the day.",
                "Beds are assigned first come, first served, with a small number held each night for referrals from street outreach teams, hospitals and police.",
                "Guests who work nights can request a day-sleeping bed by talking with the shift supervisor.",
                "A nurse from the county health department holds a walk-in clinic in the shelter every {day} evening.",
             ]),
        Kind("BH-1800.1500", "Domestic Violence Shelters", .housing, weight: 4,
             names: ["Safe Shelter for Survivors", "Domestic Violence Shelter", "Confidential Emergency Housing"],
             hours: ["24-hour crisis line; shelter intake 24 hours", "24 hours, 7 days a week"],
             fees: ["None", "Free and confidential"], payments: ["None required"],
             documents: ["None", "Protection order if available"], capacity: "beds",
             overview: [
                "{agency} provides confidential emergency shelter for survivors of domestic violence, sexual assault and human trafficking, and their children.",
                "The shelter address is not published; callers are screened by phone and met at a safe location.",
                "Advocates help survivors make a safety plan, apply for protection orders and find longer-term housing.",
                "Survivors of every gender are served; the shelter has {num} private family rooms and is accessible to people with disabilities.",
                "Legal advocates can accompany survivors to court in {county} and help with custody and immigration questions.",
             ],
             details: [
                "The 24-hour crisis line is answered by trained advocates who can talk through options even if the caller is not ready to leave.",
                "Residents can usually stay up to 90 days, and extensions are granted while a housing plan is in progress.",
                "Counseling and support groups for adults and children are offered on site in English and {lang}.",
                "Pets can be sheltered through a partnership with a local animal rescue so survivors do not have to leave them behind.",
             ]),
        Kind("BH-3800.7000", "Rent Payment Assistance", .housing, weight: 8,
             names: ["Rent Assistance", "Eviction Prevention Program", "Emergency Rent and Utility Assistance", "Rapid Rehousing"],
             hours: [], fees: ["None", "Free"], payments: ["None required"],
             documents: ["Photo ID", "Lease", "Eviction notice or past-due notice", "Proof of income for the last 30 days"],
             capacity: "households",
             overview: [
                "The {noun} helps renters in {county} who are behind on rent or facing eviction stay in their homes.",
                "Eligible households may receive a one-time payment of up to {num} hundred dollars, paid directly to the landlord.",
                "Staff negotiate with landlords to stop an eviction filing while an application is reviewed.",
                "The program also covers security deposits and first month's rent for households moving out of shelter into a new lease.",
                "Households receive budgeting help and a follow-up visit to make sure the rent stays affordable.",
             ],
             details: [
                "Funds are limited and are usually fully committed by the middle of each month, so apply early in the month.",
                "Applications are reviewed in the order received, with priority for households that have a court date scheduled.",
                "Landlords must provide a W-9 and agree to accept the payment before funds are released.",
                "Assistance is available once in a twelve-month period, with exceptions for households affected by a disaster.",
             ]),
        Kind("BH-7000.4600", "Low Income/Subsidized Rental Housing", .housing, weight: 6,
             names: ["Affordable Apartments", "Supportive Housing", "Permanent Supportive Housing", "Affordable Housing Program"],
             fees: ["Rent is 30% of household income", "Income-based rent", "Rent varies by unit size"],
             payments: ["Cash", "Money order", "Housing voucher"],
             documents: ["Photo ID for all adults", "Social Security cards", "Proof of income", "Rental history"],
             capacity: "units",
             overview: [
                "{agency} owns and manages {num} affordable apartments in {city} for individuals and families with low incomes.",
                "Rent is based on household income, and most tenants pay no more than 30 percent of what they earn.",
                "Supportive housing units include on-site case management for tenants who have experienced long-term homelessness or live with a disability.",
                "Units range from studios to three-bedroom apartments, and several are fully accessible.",
                "Housing Choice Vouchers are accepted, and staff can help applicants apply to the local housing authority.",
             ],
             details: [
                "The waiting list opens several times a year; applicants can check their place on the list by phone.",
                "Tenants sign a standard one-year lease and have the same rights as any other renter in {state}.",
                "A resident services coordinator organizes food distributions, tutoring for children and community meals.",
                "Criminal background and credit checks are individualized, and applicants may explain past problems in writing.",
             ]),
        Kind("RX-8500.8000", "Sober Living", .housing, weight: 4,
             names: ["Sober Living House", "Recovery Residence", "Transitional Sober Housing"],
             fees: ["Program fee of $450 per month", "$125 per week, first week free", "Sliding scale; no one refused for inability to pay"],
             payments: ["Cash", "Money order", "Sliding scale"],
             documents: ["Photo ID", "Proof of completed treatment or current enrollment"], capacity: "beds",
             overview: [
                "The {noun} offers a safe, alcohol- and drug-free home for adults in early recovery from substance use disorders.",
                "Residents share chores, attend house meetings and support one another in building a life in recovery.",
                "The house is certified by the state association of recovery residences and follows its standards for safety and ethics.",
                "Residents must remain sober, and random drug testing is part of the house agreement.",
                "Most residents stay between six months and a year while they return to work or school.",
             ],
             details: [
                "Residents attend at least {few} recovery meetings a week and work with a sponsor or recovery coach.",
                "People receiving medication for opioid use disorder are welcome.",
                "A house manager who is in long-term recovery lives on site.",
                "Residents who relapse are helped to re-enter treatment and may return when it is safe to do so.",
             ]),
        Kind("ND-3500", "Job Search/Placement", .employment, weight: 6,
             names: ["Job Search Assistance", "Employment Services", "Job Readiness Program", "Career Services"],
             hours: [], fees: ["None", "Free"], payments: ["None required"],
             documents: ["Photo ID", "Social Security card", "Resume if available"],
             overview: [
                "The {noun} helps job seekers in {county} find and keep work that pays a living wage.",
                "Employment specialists help with resumes, online applications, interview practice and work clothing.",
                "Weekly hiring events bring employers to the center, and many offer interviews on the spot.",
                "Job seekers with past convictions receive help explaining their record and finding second-chance employers.",
                "Participants can use the computer lab, printers, phones and fax machines for their job search.",
             ],
             details: [
                "Workshops on {day} mornings cover resumes, interviewing, workplace communication and money management.",
                "Bus passes, work boots and uniforms can be provided for participants who start a new job.",
                "Employment specialists stay in touch for at least {few} months after a participant is hired.",
             ]),
        Kind("ND-1500", "Job Placement", .employment, weight: 4,
             names: ["American Job Center", "Workforce Center", "Job Placement Services"],
             hours: [], fees: ["None", "Free"], payments: ["None required"],
             documents: ["Photo ID", "Proof of work eligibility"],
             overview: [
                "{agency} is part of the American Job Center network and serves employers and job seekers across {county}.",
                "Services include career counseling, training scholarships through WIOA, and help filing for unemployment insurance.",
                "Veterans receive priority of service and can meet with a veteran employment representative.",
                "Youth ages 16 to 24 can enroll in paid work experience and high school equivalency preparation.",
             ],
             details: [
                "Job seekers can register online before their first visit to save time.",
                "Training scholarships cover commercial driving, health care, welding, information technology and other in-demand careers.",
                "Employers can post jobs and reserve interview rooms at no cost.",
             ]),
        Kind("ND-9000", "Vocational Rehabilitation", .employment, weight: 4,
             names: ["Vocational Rehabilitation", "Pre-Employment Transition Services", "Work Skills Training"],
             hours: [], fees: ["None", "Free to eligible participants"], payments: ["None required", "Medicaid"],
             documents: ["Photo ID", "Documentation of disability if available"],
             overview: [
                "The {noun} helps people with disabilities prepare for, find and keep employment.",
                "A vocational counselor works with each participant on an individualized plan for employment.",
                "Services can include assessment, job training, assistive technology, job coaching and help with workplace accommodations.",
                "Students with disabilities ages 14 to 21 can receive pre-employment transition services through their school.",
             ],
             details: [
                "Participants receiving SSI or SSDI can meet with a benefits counselor to learn how work will affect their benefits.",
                "Job coaches can provide on-the-job training at the participant's workplace for as long as it is needed.",
                "The program works with {num} local employers who have committed to inclusive hiring.",
             ]),
        Kind("trellis:supported-employment", "Supported Employment", .employment, weight: 5,
             names: ["Supported Employment", "IPS Supported Employment", "Employment Support Program"],
             extra: [Term(code: "ND-9000", name: "Vocational Rehabilitation")],
             hours: [], fees: ["None", "Free", "Billed to Medicaid; no cost to participants"], payments: ["Medicaid", "None required"],
             documents: ["Photo ID", "Medicaid card if enrolled"],
             overview: [
                "The {noun} helps people living with serious mental illness find competitive jobs in the community, working alongside people without disabilities.",
                "Anyone who wants to work is eligible; there are no readiness requirements, and people are not excluded because of symptoms, substance use or past work history.",
                "Employment specialists start the job search quickly, usually within a month, and look for jobs that match each person's preferences.",
                "Employment support is integrated with mental health treatment: specialists meet regularly with each participant's clinical team.",
                "Benefits planning helps participants understand how earnings will affect SSI, SSDI, Medicaid and housing assistance.",
             ],
             details: [
                "Support continues after a job starts, for as long as the participant wants it.",
                "Employment specialists build relationships with local employers based on the interests of the people they serve.",
                "The program is reviewed against the IPS fidelity scale and shares its results with participants.",
             ]),
        Kind("RP-1400.8000", "Counseling", .clinical, weight: 10,
             names: ["Outpatient Counseling", "Individual and Family Therapy", "Mental Health Counseling", "Counseling Services"],
             extra: [Term(code: "RP-1400", name: "Counseling")],
             hours: [], fees: ["Sliding scale based on income", "$25 to $120 per session on a sliding scale", "Most insurance accepted; sliding scale available"],
             payments: ["Medicaid", "Medicare", "Private insurance", "Sliding scale", "Cash"],
             documents: ["Photo ID", "Insurance card", "Proof of income for sliding scale"],
             overview: [
                "Licensed therapists at {agency} provide individual, couples, family and group counseling for children, teens and adults.",
                "Counselors treat depression, anxiety, trauma, grief, relationship problems and co-occurring substance use.",
                "Evidence-based approaches include cognitive behavioral therapy, dialectical behavior therapy, EMDR and trauma-focused CBT.",
                "New clients are usually offered a first appointment within {few} days of calling.",
                "School-based counselors also see students at several schools in {county}.",
             ],
             details: [
                "Evening and Saturday appointments are available for people who work or attend school during the day.",
                "A bilingual therapist provides counseling in {lang}.",
                "Clients can see the same therapist throughout treatment and can request a change at any time.",
                "Group sessions for anger management, parenting and grief meet weekly on {day} evenings.",
             ]),
        Kind("RP-1500.1400", "Crisis Intervention", .clinical, weight: 4,
             names: ["Mobile Crisis Response", "Crisis Stabilization", "24-Hour Crisis Line", "Walk-In Crisis Center"],
             hours: ["24 hours, 7 days a week", "Crisis line 24/7; walk-in center 8 am-10 pm daily"],
             fees: ["None", "Free"], payments: ["None required", "Medicaid"], documents: ["None"],
             overview: [
                "The {noun} responds to people in a mental health or substance use crisis anywhere in {county}, 24 hours a day.",
                "Trained counselors answer calls and texts, and a mobile team of a clinician and a peer specialist can meet people where they are.",
                "The walk-in crisis center offers a calm place to stay for up to 23 hours while staff help stabilize the situation.",
                "Staff connect each person to follow-up care within 24 to 72 hours and check in by phone afterward.",
                "Anyone can call, including family members, friends, teachers and employers who are worried about someone.",
             ],
             details: [
                "The service works closely with 988 and local police so that people in crisis receive a mental health response.",
                "Crisis beds are available for adults who need a short stay but do not require hospitalization.",
                "Interpreters are available by phone for callers who speak {lang} and other languages.",
             ]),
        Kind("RM-6500", "Psychiatric Services", .clinical, weight: 4,
             names: ["Psychiatry Clinic", "Psychiatric Evaluation", "Adult Psychiatric Services", "Child and Adolescent Psychiatry"],
             fees: ["Sliding scale based on income", "Billed to insurance; sliding scale for uninsured"],
             payments: ["Medicaid", "Medicare", "Private insurance", "Sliding scale"],
             documents: ["Photo ID", "Insurance card", "Current medication list"],
             overview: [
                "Psychiatrists and psychiatric nurse practitioners at {agency} provide evaluations, diagnosis and medication treatment.",
                "The clinic serves people with depression, bipolar disorder, schizophrenia, PTSD, ADHD and other conditions.",
                "New patients complete an evaluation of about 90 minutes and then see their prescriber every one to three months.",
                "Psychiatric care is coordinated with each patient's therapist and primary care doctor.",
             ],
             details: [
                "Long-acting injectable medications are given in the clinic's injection room.",
                "The clinic participates in the state's patient assistance programs for people who cannot afford medications.",
                "A psychiatric consultation line is available to primary care providers in {county}.",
             ]),
        Kind("RX-8450.1150", "Outpatient Substance Use Treatment", .clinical, weight: 6,
             names: ["Outpatient Addiction Treatment", "Intensive Outpatient Program", "Medication for Opioid Use Disorder", "Substance Use Treatment"],
             extra: [Term(code: "RX-8450", name: "Substance Use Treatment")],
             fees: ["Sliding scale based on income", "Medicaid and most insurance accepted", "State-funded treatment available for uninsured"],
             payments: ["Medicaid", "Medicare", "Private insurance", "Sliding scale", "Cash"],
             documents: ["Photo ID", "Insurance card", "Court papers if referred by the court"],
             overview: [
                "The {noun} provides assessment and treatment for adults with alcohol, opioid, methamphetamine and other substance use disorders.",
                "Levels of care include standard outpatient, intensive outpatient and continuing care groups.",
                "Medications for opioid and alcohol use disorder, including buprenorphine and naltrexone, are offered on site.",
                "Treatment plans address co-occurring mental health conditions, housing, employment and family relationships.",
                "Pregnant women and people who inject drugs are admitted first, as required by federal funding rules.",
             ],
             details: [
                "Naloxone kits and training are free to anyone who asks.",
                "Intensive outpatient groups meet three evenings a week for about {few} weeks.",
                "Family members can attend a free education group on {day} evenings.",
                "Court-ordered evaluations are completed within {few} business days.",
             ]),
        Kind("trellis:medication-management", "Medication Management", .clinical, weight: 3,
             names: ["Medication Management", "Medication Clinic", "Nurse Medication Services"],
             extra: [Term(code: "RM-6500", name: "Psychiatric Services")],
             fees: ["Billed to insurance; sliding scale for uninsured", "Sliding scale based on income"],
             payments: ["Medicaid", "Medicare", "Private insurance", "Sliding scale"],
             documents: ["Photo ID", "Insurance card", "Current medication list"],
             overview: [
                "Nurses and prescribers at {agency} help people manage psychiatric medications safely and consistently.",
                "Services include medication reviews, side-effect monitoring, lab coordination and prescription refills.",
                "Nurses can prepare weekly pill organizers and deliver medications to people who have trouble getting to a pharmacy.",
                "The clinic coordinates with pharmacies across {county} to help patients enroll in assistance programs.",
             ],
             details: [
                "Brief nurse visits are available on a walk-in basis on {day} mornings.",
                "Reminder calls and texts help people stay on schedule with refills and injections.",
             ]),
        Kind("PN-8100.0500", "Support Groups", .peer, weight: 6,
             names: ["Peer Support Group", "Recovery Support Group", "Peer Recovery Center", "Family Support Group", "12-Step Meetings"],
             extra: [Term(code: "PN-8100", name: "Support Groups")],
             hours: ["Tue and Thu 6:00 pm-7:30 pm", "Meets weekly on Wednesdays 7 pm-8:30 pm", "Drop-in center Mon-Fri 10 am-4 pm"],
             fees: ["None", "Free", "Donations welcome"], payments: ["None required"], documents: ["None"],
             overview: [
                "The {noun} brings together people with lived experience of mental illness and addiction to share support and hope.",
                "Groups are led by certified peer specialists who are themselves in recovery.",
                "Anyone is welcome to attend; there is no sign-up, no cost and no requirement to be in treatment.",
                "The drop-in center offers a warm, welcoming space with coffee, computers, art supplies and a lending library.",
                "Family members and friends can join a separate group focused on supporting a loved one.",
             ],
             details: [
                "Meetings follow a simple format: check-in, a topic chosen by the group, and time for open sharing.",
                "Peer specialists can also meet one-on-one to help with goals such as housing, work or returning to school.",
                "Online meetings are held on {day} evenings for people who cannot attend in person.",
             ]),
        Kind("trellis:spiritual-support", "Spiritual Support", .faith, weight: 3,
             names: ["Spiritual Care and Support", "Chaplaincy Services", "Faith Community Support", "Pastoral Counseling"],
             extra: [Term(code: "PN-8100.0500", name: "Support Groups")],
             hours: [], fees: ["None", "Free"], payments: ["None required"], documents: ["None"],
             overview: [
                "Chaplains at {agency} offer spiritual care and a listening ear to people going through hard times, whatever their faith or none.",
                "Support is available one-on-one or in small groups, and visits can be arranged at home, in the hospital or in jail.",
                "Chaplains help people connect with a faith community of their choosing and with practical help in {county}.",
                "Grief support groups meet monthly for people who have lost a loved one.",
             ],
             details: [
                "Participation in religious activities is never required to receive help.",
                "Prayer and meditation space is open daily, and chaplains are on call for emergencies.",
             ]),
    ]

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

// MARK: - Vocabulary: names and generic texts

extension DirectoryGenerator {
    static let namePrefixes = [
        "Open Door", "New Hope", "Harbor Light", "Cornerstone", "Lighthouse", "Bridges", "Heartland", "Prairie",
        "Riverside", "Good Neighbor", "Pathways", "Stepping Stones", "Common Ground", "Safe Harbor", "Horizon",
        "Northstar", "Gateway", "Beacon", "Journey", "Keystone", "Fresh Start", "Willow", "Sunrise", "Compass",
        "Mosaic", "Restoration", "Summit", "Evergreen", "Turning Point", "Second Chance", "Crossroads", "Lantern",
    ]

    /// Agency name endings by domain (index = Domain.rawValue).
    static let nameSuffixes: [[String]] = [
        ["Mission", "Housing Partners", "Shelter Services", "Family Shelter", "Housing Coalition", "Community Housing"],
        ["Workforce Center", "Employment Services", "Works", "Career Center", "Job Partners"],
        ["Behavioral Health", "Counseling Center", "Mental Health Center", "Recovery Center", "Community Mental Health"],
        ["Peer Network", "Recovery Community", "Wellness Center", "Clubhouse"],
        ["Ministries", "Outreach"],
        ["Community Services", "Family & Children's Services", "Community Action Partnership", "Neighborhood Center", "Family Services"],
    ]

    static let placeNamePatterns = [
        "{county} County Community Action", "{city} Rescue Mission", "{city} Area Recovery Services",
        "{county} County Behavioral Health", "{city} Housing Authority", "{city} Urban League Workforce Program",
        "Youth Emergency Services of {city}", "{city} Center for Independent Living",
    ]

    static let childAgencySuffixes = ["Youth Services", "Recovery Services", "Housing Corporation", "Foundation", "Employment Services", "Veterans Program"]

    static let siteQualifiers = ["North", "South", "East", "West", "Downtown", "Midtown", "Eastside", "Westside"]
    static let siteKinds = ["Office", "Campus", "Center", "Clinic", "Outreach Office", "Family Center"]

    static let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    static let mornings = ["8:00 am", "8:30 am", "9:00 am", "10:00 am"]
    static let evenings = ["5:00 pm", "6:00 pm", "6:30 pm", "7:00 pm"]
    static let months = ["January", "March", "April", "June", "September", "October", "November", "December"]
    static let partners = [
        "the county health department", "local hospitals", "the public schools", "the regional housing authority",
        "the Veterans Affairs medical center", "the county jail's reentry program", "area food banks",
        "the community college", "federally qualified health centers", "legal aid",
    ]
    static let specialists = ["M. Alvarez", "J. Nguyen", "K. Johnson", "A. Hassan", "R. Olson", "T. Williams", "S. Patel", "D. Brown"]

    /// Weekday hours: (opens, closes, how exports write them).
    static let weekdayHours: [(from: String, to: String, notes: String)] = [
        ("08:00", "17:00", "Mon-Fri 8:00 am-5:00 pm"),
        ("09:00", "16:30", "Monday through Friday, 9 am to 4:30 pm"),
        ("08:30", "17:00", "Mon-Fri 8:30 am-5 pm, closed holidays"),
        ("07:30", "16:00", "M-F 7:30 am-4:00 pm"),
        ("09:00", "17:00", "Weekdays 9-5"),
    ]
    static let otherHours = [
        "Mon-Thu 8 am-7 pm; Fri 8 am-5 pm", "Mon, Wed, Fri 9 am-3 pm; Tue, Thu 12 pm-7 pm", "By appointment; call for availability",
        "Mon-Sat 10 am-6 pm", "24 hours, 7 days a week", "Tue-Sat 9:00 am-5:30 pm",
    ]

    static let ageRules: [(min: Int?, max: Int?, text: String)] = [
        (18, nil, "Adults 18 and older"), (18, nil, "Ages 18+"), (12, 17, "Youth ages 12-17"),
        (16, 24, "Young adults ages 16 to 24"), (55, nil, "Adults 55 and older"), (60, nil, "Seniors 60 and older"),
        (nil, 17, "Children and youth under 18"), (14, 21, "Ages 14-21"), (18, 64, "Adults 18-64"),
    ]

    static let intakeSteps = [
        "Call the main line to schedule an intake appointment.", "Walk in during open hours; no appointment needed.",
        "Complete the online application, then a staff member will call within two business days.",
        "Referral from a case manager, doctor or school counselor preferred but not required.",
        "Call the 24-hour line; staff complete a brief screening by phone.",
        "Apply through coordinated entry by calling 2-1-1.",
    ]

    static let genericTemplates: [String: [String]] = [
        "eligibility": [
            "Services are open to residents of {county} and the surrounding area; proof of residency is requested but is not required to get help in an emergency.",
            "There is no charge to apply, and no one is turned away because of inability to pay.",
            "Priority is given to veterans, people with disabilities, survivors of domestic violence and households with children under five.",
            "People who are intoxicated may be asked to return when sober, but staff will always help them find a safe place to go.",
            "Immigrants are welcome; staff do not ask about immigration status unless a funding source specifically requires it.",
            "Income guidelines follow the federal poverty guidelines, and most households at or below {pct} percent of poverty qualify.",
            "Eligibility is reviewed every {few} months to make sure the program still fits each participant's needs.",
            "Participants are asked to work with a case manager and attend a short check-in meeting each week.",
            "Couples, including same-sex couples, may stay together, and transgender people are served according to the gender they identify with.",
            "A referral is not needed; people may call or walk in on their own, and family members may call on someone's behalf.",
            "People on probation or parole are welcome, and staff can coordinate with their officer if the participant wishes.",
            "Students, people who are working and people receiving benefits may all qualify; call to ask before assuming you are not eligible.",
        ],
        "intake": [
            "To apply, call {phone} and ask for the intake coordinator, or walk in on weekdays between {morning} and 4:00 pm.",
            "The first appointment takes about an hour and includes a brief screening, a review of current needs and a discussion of next steps.",
            "Intake staff complete the coordinated entry assessment for {county}, so people only need to tell their story once.",
            "Applications can also be submitted online through the agency website; a staff member will call back within {few} business days.",
            "If no appointment is available the same week, callers are placed on a callback list and contacted as soon as an opening comes up.",
            "Interpreters are available at no cost for intake appointments, in person or by phone.",
            "People who cannot come to the office can complete intake by phone or video, and home visits are available for people with mobility limitations.",
            "After intake, each participant is assigned a case manager who stays with them for the length of the program.",
            "Walk-ins are welcome, but the wait is shorter for people who call ahead on {day} mornings.",
            "Referrals from hospitals, schools, probation officers and other agencies are accepted by fax or through the community referral platform.",
            "Staff will help complete applications for SNAP, Medicaid, SSI/SSDI and other benefits during the intake visit.",
            "A follow-up call is made within {few} days of the first visit to check on progress and answer questions.",
        ],
        "bring": [
            "Please bring a photo ID if you have one, Social Security cards for all household members and proof of income for the last 30 days.",
            "If you do not have identification, staff can help you request a birth certificate or state ID, and the fee may be covered.",
            "Bring a current lease or eviction notice, the most recent utility bill and any letters from your landlord.",
            "Bring a list of current medications and the name of any doctor, counselor or case manager you are working with.",
            "Bring proof of address in {county}, such as a piece of mail, a lease or a letter from a shelter.",
            "Bring a resume if you have one; if not, staff will help you write one during the first visit.",
            "Bring insurance cards (Medicaid, Medicare or private insurance) if you have them; people without insurance are still served.",
            "Only bring what you can carry; storage space is limited and the agency cannot be responsible for lost items.",
            "Bring any paperwork from previous providers, including discharge papers, court documents or a housing voucher.",
            "Documents are not required to receive emergency help; staff will work with you to gather them over time.",
        ],
        "history": [
            "{agency} was founded in {founded} by a small group of neighbors in {city} who saw people in need and decided to open their doors.",
            "The agency began as a volunteer effort in a church basement and incorporated as a 501(c)(3) nonprofit in {founded}.",
            "Since {founded}, {agency} has grown to a staff of more than {num} people and served over {big} households across {county}.",
            "The organization is governed by a volunteer board of directors, at least a third of whom have lived experience of the issues the agency addresses.",
            "Last year the agency helped {big} people, and {share} percent of participants reported that their situation was more stable six months after leaving the program.",
            "{agency} is accredited by CARF and is an active member of the {state} Continuum of Care.",
            "Funding comes from the United Way, county and state contracts, federal grants through HUD and SAMHSA, and the generosity of local donors.",
            "The agency partners with {partner} to make sure people leaving the program have ongoing support.",
            "In {recent}, the agency moved into its current building, which was renovated with accessibility and privacy in mind.",
            "During the COVID-19 pandemic the agency kept its doors open, moved most appointments online and added a telephone support line that remains in use today.",
            "Volunteers contribute more than {big} hours each year, serving meals, mentoring participants and helping with donation drives.",
            "{agency} publishes an annual report each {month} describing outcomes, finances and plans for the year ahead.",
            "The agency's mission is to treat every person with dignity and respect, and to help people move from crisis to stability.",
            "Many staff members first came to {agency} as participants and now use their own experience to help others.",
        ],
        "access": [
            "The building is wheelchair accessible, with a ramp at the east entrance and an accessible restroom on the first floor.",
            "The office is on the Route {route} bus line, and bus passes are available for participants who need them to get to appointments.",
            "Free parking is available behind the building; enter from the side street.",
            "Interpreters for other languages, including American Sign Language, are available on request at no cost.",
            "Some staff members speak {lang}, and written materials are available in several languages.",
            "Service animals are welcome; emotional support animals are considered case by case.",
            "Child care is available on site during appointments for children between 6 weeks and 12 years old.",
            "The waiting area has free Wi-Fi, phone charging stations and a computer that participants can use to look for housing and work.",
            "People who are deaf or hard of hearing can reach the office through the state relay service by dialing 711.",
            "Appointments can be scheduled early in the morning or in the evening for people who work during the day.",
            "A private room is available for people who would rather not discuss their situation in the main waiting area.",
            "Transportation to medical and court appointments can be arranged with at least {few} days of notice.",
        ],
        "closing": [
            "Call ahead to confirm hours, as they may change on holidays and during severe weather.",
            "For after-hours emergencies, call 911 or the 988 Suicide & Crisis Lifeline; for other community resources, dial 2-1-1.",
            "Donations of new socks, underwear, hygiene items and bus passes are always welcome and can be dropped off at the front desk on weekdays.",
            "Information in this listing was confirmed with agency staff and is reviewed at least once a year.",
            "Volunteers are always welcome; visit the agency website or call the main office to learn about opportunities.",
            "Concerns about services can be raised with the program director, and participants will not lose services for raising a concern.",
            "The agency follows all privacy laws and does not share information without written consent, except where required by law.",
            "Services may be limited during the week between Christmas and New Year's Day.",
        ],
        "details": [
            "Services are delivered by a team of case managers, peer specialists and licensed professionals who meet weekly to coordinate care.",
            "Participants set their own goals, and staff work alongside them to remove barriers such as transportation, child care and missing documents.",
            "Staff are trained to recognize the effects of trauma and to avoid practices that might cause further harm.",
            "Staff can help with practical needs along the way, including food boxes, hygiene supplies, clothing vouchers and bus passes.",
            "The agency works closely with landlords, employers, clinics and faith communities across {county} to open doors for participants.",
            "Follow-up support continues for up to {few} months after a participant leaves the program.",
            "Group sessions on {day} afternoons cover budgeting, tenant rights, stress management and healthy relationships.",
            "Most participants start receiving services within {few} days of first contact.",
            "A wait list may apply during the busiest months; people on the wait list are contacted at least once a month.",
            "Participants can ask to work with a different staff member at any time, no questions asked.",
        ],
    ]

    static func generic(_ section: String) -> [Template] {
        (genericTemplates[section] ?? []).map(Template.init)
    }

    static let genericDetails = generic("details")
    static let eligibilityTemplates = generic("eligibility")
    static let intakeTemplates = generic("intake")
    static let bringTemplates = generic("bring")
    static let historyTemplates = generic("history")
    static let accessTemplates = generic("access")
    static let closingTemplates = generic("closing")
}

// MARK: - Templates

extension DirectoryGenerator {
    enum Slot: String, Sendable {
        case agency, city, county, state, founded, recent, num, few, share, big, pct, day, morning, evening, phone, lang, partner, month, route, noun
    }

    /// A sentence with `{slot}` placeholders, parsed once.
    struct Template: Sendable {
        enum Piece: Sendable {
            case text(String)
            case slot(Slot)
        }

        let pieces: [Piece]

        init(_ raw: String) {
            var pieces: [Piece] = []
            var rest = Substring(raw)
            while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                if open > rest.startIndex { pieces.append(.text(String(rest[..<open]))) }
                let name = String(rest[rest.index(after: open)..<close])
                if let slot = Slot(rawValue: name) {
                    pieces.append(.slot(slot))
                } else {
                    pieces.append(.text(String(rest[open...close])))
                }
                rest = rest[rest.index(after: close)...]
            }
            if !rest.isEmpty { pieces.append(.text(String(rest))) }
            self.pieces = pieces
        }
    }

    /// What the slots of a service's or agency's texts are filled with.
    struct TextContext {
        var agency: String
        var city: String
        var county: String
        var state: String
        var founded: Int
        var phone: String
        var language: String
        var noun: String
    }

    /// Fills templates into plain text (escaping is the writer's job).
    struct TextBuilder {
        var rng: SplitMix64
        let context: TextContext

        mutating func append(_ template: Template, to out: inout String) {
            for piece in template.pieces {
                switch piece {
                case .text(let text): out += text
                case .slot(let slot): appendSlot(slot, to: &out)
                }
            }
        }

        private mutating func appendSlot(_ slot: Slot, to out: inout String) {
            switch slot {
            case .agency: out += context.agency
            case .city: out += context.city
            case .county: out += context.county
            case .state: out += context.state
            case .founded: out += String(context.founded)
            case .recent: out += String(rng.int(in: max(context.founded + 1, 2008)...2024))
            case .num: out += String(rng.int(in: 3...48))
            case .few: out += String(rng.int(in: 2...10))
            case .share: out += String(rng.int(in: 60...95))
            case .big: out += DirectoryGenerator.grouped(rng.int(in: 2...90) * 100)
            case .pct: out += String(rng.pick([150, 185, 200, 250]))
            case .day: out += rng.pick(DirectoryGenerator.weekdays)
            case .morning: out += rng.pick(DirectoryGenerator.mornings)
            case .evening: out += rng.pick(DirectoryGenerator.evenings)
            case .phone: out += context.phone
            case .lang: out += context.language
            case .partner: out += rng.pick(DirectoryGenerator.partners)
            case .month: out += rng.pick(DirectoryGenerator.months)
            case .route: out += String(rng.int(in: 2...99))
            case .noun: out += context.noun
            }
        }

        /// Appends sentences drawn without repetition from `pool` until `count` are written or the text
        /// reaches `goal` bytes past `start`, with at least `minimum` sentences.
        mutating func appendSentences(from pool: [Template], minimum: Int, maximum: Int, goal: Int, start: Int,
                                      heading: String?, to out: inout String) {
            var used: UInt64 = 0
            var count = 0
            let limit = min(maximum, pool.count, 64)
            while count < limit && (count < minimum || out.utf8.count - start < goal) {
                var i = rng.int(below: pool.count)
                while i >= 64 || used & (1 << UInt64(i)) != 0 { i = (i + 1) % min(pool.count, 64) }
                used |= 1 << UInt64(i)
                if out.utf8.count > start { out += " " }
                if count == 0, let heading { out += heading }
                append(pool[i], to: &out)
                count += 1
            }
        }
    }
}

// MARK: - The model

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

// MARK: - The plan: agencies, sites and services in order

extension DirectoryGenerator {
    struct Plan {
        enum Step { case agency, site, service, siteEnd, agencySitesEnd, agencyEnd }

        let seed: UInt64
        var remaining: Int
        var steps: [Step] = []
        var cursor = 0
        var agencyCount = 0
        var siteCount = 0
        var serviceCount = 0
        var agencies: [Agency] = []
        var site: Site?

        init(seed: UInt64, services: Int) {
            self.seed = seed
            remaining = services
        }

        mutating func next() -> Event? {
            if cursor == steps.count {
                guard remaining > 0 else { return nil }
                planAgency()
            }
            let step = steps[cursor]
            cursor += 1
            switch step {
            case .agency:
                let agency = makeAgency(index: agencyCount, parent: agencies.last)
                agencyCount += 1
                agencies.append(agency)
                return .agencyStart(agency)
            case .site:
                guard let agency = agencies.last else { return nil }
                let site = makeSite(index: siteCount, agency: agency)
                siteCount += 1
                self.site = site
                return .siteStart(site, agency)
            case .service:
                guard let agency = agencies.last, let site else { return nil }
                let service = makeService(index: serviceCount, site: site, agency: agency)
                serviceCount += 1
                return .service(service, site, agency)
            case .siteEnd:
                guard let site else { return nil }
                self.site = nil
                return .siteEnd(site)
            case .agencySitesEnd:
                guard let agency = agencies.last else { return nil }
                return .agencySitesEnd(agency)
            case .agencyEnd:
                guard let agency = agencies.popLast() else { return nil }
                return .agencyEnd(agency)
            }
        }

        /// Lays out the next top-level agency (and its child agency, if any) without content.
        private mutating func planAgency() {
            steps.removeAll(keepingCapacity: true)
            cursor = 0
            var rng = SplitMix64(seed: seed, salt: Salt.structure.rawValue, index: agencyCount)
            appendAgency(sites: [45, 30, 15, 10], using: &rng)
            if remaining > 0 && rng.chance(Rates.childAgency) {
                appendAgency(sites: [70, 30], using: &rng)
                steps.append(.agencyEnd)
            }
            steps.append(.agencyEnd)
        }

        /// Appends an agency's opening, sites and services; the caller closes it.
        private mutating func appendAgency(sites siteWeights: [Int], using rng: inout SplitMix64) {
            steps.append(.agency)
            let siteTotal = rng.weighted(siteWeights) + 1
            for _ in 0..<siteTotal where remaining > 0 {
                let count = min(remaining, rng.weighted([20, 25, 22, 15, 10, 8]) + 1)
                remaining -= count
                steps.append(.site)
                steps.append(contentsOf: repeatElement(.service, count: count))
                steps.append(.siteEnd)
            }
            steps.append(.agencySitesEnd)
        }

        // MARK: Records

        private func makeAgency(index: Int, parent: Agency?) -> Agency {
            var rng = SplitMix64(seed: seed, salt: Salt.agency.rawValue, index: index)
            let place = parent?.place ?? rng.int(below: DirectoryGenerator.places.count)
            let p = DirectoryGenerator.places[place]
            var focus = Domain(rawValue: rng.weighted([30, 15, 35, 10, 0, 10])) ?? .general
            var faith: String? = parent?.faith
            var name: String
            if let parent {
                name = parent.name + " " + rng.pick(DirectoryGenerator.childAgencySuffixes)
            } else if rng.chance(Rates.faithAgency) {
                let tradition = rng.pick(DirectoryGenerator.faithTraditions)
                faith = tradition.slug
                name = rng.pick(tradition.agencyNames)
                if rng.chance(0.3) { focus = .faith }
            } else if rng.chance(0.15) {
                name = rng.pick(DirectoryGenerator.placeNamePatterns)
            } else {
                name = rng.pick(DirectoryGenerator.namePrefixes) + " " + rng.pick(DirectoryGenerator.nameSuffixes[focus.rawValue])
            }
            name = name.replacingSlots(city: p.city, county: p.county)
            let slug = DirectoryGenerator.slug(name)
            let founded = rng.int(in: 1890...2019)
            let phone = DirectoryGenerator.phoneNumber(areaCode: p.areaCode, using: &rng)

            // A short history for AgencyDescription / organization.description.
            var text = ""
            text.reserveCapacity(1024)
            let historySeed = rng.next()
            var builder = TextBuilder(rng: SplitMix64(seed: historySeed),
                                      context: DirectoryGenerator.historyContext(name: name, place: p, founded: founded))
            builder.appendSentences(from: DirectoryGenerator.historyTemplates, minimum: 3, maximum: 5,
                                    goal: rng.int(in: 400...800), start: 0, heading: nil, to: &text)

            return Agency(
                index: index,
                key: String(1_000_000_000 + index),
                id: DirectoryGenerator.uuid(seed: seed, .organizationID, index),
                name: name, slug: slug, focus: focus, place: place, founded: founded, faith: faith,
                historySeed: historySeed, description: text, hasDescription: rng.chance(0.95), hasWebsite: rng.chance(0.92),
                url: "https://" + slug + ".example.org/",
                email: rng.pick(["info", "intake", "help", "contact"]) + "@" + slug + ".example.org",
                phone: phone, parentID: parent?.id,
                added: Day.random(years: 2003...2020, using: &rng),
                verified: Day.random(years: 2021...2026, using: &rng),
                depth: (parent?.depth ?? 0) + 1)
        }

        private func makeSite(index: Int, agency: Agency) -> Site {
            var rng = SplitMix64(seed: seed, salt: Salt.site.rawValue, index: index)
            var place = agency.place
            let neighbors = DirectoryGenerator.neighbors[place]
            if !neighbors.isEmpty && rng.chance(0.25) { place = rng.pick(neighbors) }
            let p = DirectoryGenerator.places[place]
            let first = rng.chance(0.6)
            let name = first ? agency.name
                : agency.name + " — " + rng.pick(DirectoryGenerator.siteQualifiers) + " " + rng.pick(DirectoryGenerator.siteKinds)
            var line1 = String(rng.int(in: 100...9899)) + " "
            if rng.chance(0.35) { line1 += rng.pick(DirectoryGenerator.directions) + " " }
            line1 += rng.pick(DirectoryGenerator.streets) + " " + rng.pick(DirectoryGenerator.streetTypes)
            let line2: String? = rng.chance(0.2) ? rng.pick(["Suite ", "Suite ", "Room ", "Floor ", "Unit "]) + String(rng.int(in: 1...450)) : nil
            let quirkDraw = Double(rng.next() >> 11) * 0x1p-53
            let quirk: CoordinateQuirk = quirkDraw < Rates.latitude100 ? .latitude100
                : quirkDraw < Rates.latitude100 + Rates.datumCoordinates ? .datumOnly : .none
            let hours: String
            if rng.chance(0.7) {
                hours = rng.pick(DirectoryGenerator.weekdayHours).notes
            } else {
                hours = rng.pick(DirectoryGenerator.otherHours)
            }
            return Site(
                index: index,
                key: String(2_000_000_000 + index),
                id: DirectoryGenerator.uuid(seed: seed, .locationID, index),
                name: name, place: place, line1: line1, line2: line2, zip: rng.pick(p.zips),
                // Within about 8 km of the county seat.
                latitude: p.latitude + rng.int(in: -70_000...70_000),
                longitude: p.longitude + rng.int(in: -90_000...90_000),
                coordinateQuirk: quirk,
                badLatitudeHSDS: rng.chance(Rates.badLatitude),
                upperCaseCounty: rng.chance(Rates.upperCaseCounty),
                languages: DirectoryGenerator.drawLanguages(&rng),
                hours: hours,
                phone: rng.chance(0.7) ? agency.phone : DirectoryGenerator.phoneNumber(areaCode: p.areaCode, using: &rng),
                accessibility: rng.pick(["Wheelchair accessible", "Accessible entrance on the east side; elevator to all floors",
                                         "Ramp at rear entrance", "Limited accessibility; call ahead", "Fully accessible"]))
        }

        private func makeService(index: Int, site: Site, agency: Agency) -> Service {
            var rng = SplitMix64(seed: seed, salt: Salt.service.rawValue, index: index)
            let kinds = DirectoryGenerator.kinds
            let byDomain = DirectoryGenerator.kindsByDomain[agency.focus.rawValue]
            let kindIndex = !byDomain.isEmpty && rng.chance(0.65) ? rng.pick(byDomain) : rng.weighted(DirectoryGenerator.kindWeights)
            let kind = kinds[kindIndex]
            let p = DirectoryGenerator.places[site.place]

            // Eligibility.
            var gender: String? = nil
            if kind.term.code == "BH-1800.1500" {
                if rng.chance(0.6) { gender = "Female" }
            } else if rng.chance(0.03) {
                gender = rng.chance(0.6) ? "Female" : "Male"
            }
            var baseName = rng.pick(kind.names)
            if let gender, kind.term.code == "BH-1800.8500" {
                baseName = (gender == "Female" ? "Women's " : "Men's ") + baseName
            }
            let age = rng.chance(Rates.ageRequirement) ? rng.pick(DirectoryGenerator.ageRules) : nil
            var income: String? = nil
            if rng.chance(Rates.incomeLimit) {
                switch rng.int(below: 5) {
                case 0, 1: income = "Household income at or below $" + DirectoryGenerator.grouped(rng.int(in: 24...90) * 50) + " per month"
                case 2, 3: income = "Household income less than $" + DirectoryGenerator.grouped(rng.int(in: 36...120) * 500) + " a year"
                default: income = "At or below " + String(rng.pick([150, 185, 200, 250])) + "% of the federal poverty guidelines"
                }
            }
            let residency: String? = rng.chance(Rates.residency)
                ? rng.pick(["Must live in " + p.countyName, "Residents of " + p.stateName, p.countyName + " residents only",
                            "Must live in " + p.city + " or " + p.countyName])
                : nil

            // Taxonomy: the kind's code, sometimes a related mapped code, attributes, unmapped codes.
            var terms = [kind.term]
            if !kind.extraTerms.isEmpty && rng.chance(0.3) { terms.append(rng.pick(kind.extraTerms)) }
            var sobriety = kind.term.code == "RX-8500.8000"
            if kind.term.code == "trellis:supported-employment" && rng.chance(Rates.ipsOfSupportedEmployment) {
                terms.append(DirectoryGenerator.ipsTerm)
                let level = rng.pick(DirectoryGenerator.fidelityLevels)
                terms.append(Term(code: "trellis:ips-fidelity/" + level, name: "IPS Fidelity: " + level))
            }
            if kind.isHousing && !sobriety {
                let draw = Double(rng.next() >> 11) * 0x1p-53
                if draw < Rates.housingFirstOfHousing {
                    terms.append(DirectoryGenerator.housingFirstTerm)
                } else if draw < Rates.housingFirstOfHousing + Rates.sobrietyRequiredOfHousing {
                    terms.append(DirectoryGenerator.sobrietyTerm)
                    sobriety = true
                }
            }
            if let faith = agency.faith {
                terms.append(DirectoryGenerator.faithBasedTerm)
                terms.append(Term(code: "trellis:faith-tradition/" + faith, name: "Faith Tradition: " + faith.capitalizedFirst))
            }
            if rng.chance(kind.domain == .peer ? Rates.peerRunOfPeerSupport : Rates.peerRunOther) {
                terms.append(DirectoryGenerator.peerRunTerm)
            }
            if (kind.domain == .clinical || kind.isHousing) && rng.chance(Rates.traumaInformed) {
                terms.append(DirectoryGenerator.traumaInformedTerm)
            }
            let telehealth = rng.chance(kind.domain == .clinical ? Rates.telehealthClinical : Rates.telehealthOther)
            if telehealth { terms.append(DirectoryGenerator.telehealthTerm) }
            if rng.chance(Rates.unmappedCodes) {
                let first = rng.int(below: DirectoryGenerator.unmappedTerms.count)
                terms.append(DirectoryGenerator.unmappedTerms[first])
                if rng.chance(0.3) {
                    terms.append(DirectoryGenerator.unmappedTerms[(first + 1 + rng.int(below: 3)) % DirectoryGenerator.unmappedTerms.count])
                }
            }

            // Languages: usually the site's, sometimes the service's own.
            let ownLanguages = rng.chance(0.25)
            var languages = ownLanguages ? DirectoryGenerator.drawLanguages(&rng) : site.languages
            var writesOwnLanguages = ownLanguages || rng.chance(0.6)
            let joinedLanguages = rng.chance(Rates.joinedLanguages)
            if joinedLanguages {
                // The quirk shows only with two or more languages to join.
                if languages.nonzeroBitCount < 2 { languages |= 1 << 1 }
                writesOwnLanguages = true
            }

            // Hours.
            var hours = site.hours
            var dayHours: (from: String, to: String)? = nil
            if !kind.hours.isEmpty && rng.chance(0.7) {
                hours = rng.pick(kind.hours)
            } else if rng.chance(0.3) {
                let h = rng.pick(DirectoryGenerator.weekdayHours)
                hours = h.notes
                if rng.chance(0.6) { dayHours = (h.from, h.to) }
            }

            // Areas served.
            let areas: AreaServed
            switch rng.weighted([60, 12, 10, 8, 10]) {
            case 0:
                var counties = [site.place]
                let neighbors = DirectoryGenerator.neighbors[site.place]
                for _ in 0..<rng.weighted([50, 35, 15]) where !neighbors.isEmpty {
                    let n = rng.pick(neighbors)
                    if !counties.contains(n) { counties.append(n) }
                }
                areas = .counties(counties)
            case 1:
                var zips: [String] = []
                for _ in 0..<rng.int(in: 2...5) {
                    let z = rng.pick(p.zips)
                    if !zips.contains(z) { zips.append(z) }
                }
                areas = .zips(zips)
            case 2: areas = .statewide
            case 3: areas = .allAreas
            default: areas = .none
            }

            // Capacity (HSDS 3.1) for housing.
            var capacities: [Capacity] = []
            if kind.isHousing, let unit = kind.capacityUnit {
                if rng.chance(Rates.capacityOfHousing) {
                    let maximum = rng.int(in: 6...120)
                    capacities.append(Capacity(unit: unit, available: rng.int(in: 0...max(0, maximum / 4)), maximum: maximum,
                                               updated: Day.random(years: 2025...2026, using: &rng)))
                }
                if rng.chance(Rates.waitlistOfHousing) {
                    capacities.append(Capacity(unit: "waitlist", available: rng.int(in: 1...80), maximum: nil,
                                               updated: Day.random(years: 2025...2026, using: &rng)))
                }
            }

            // Fees and payment.
            var payments: [String] = []
            for _ in 0..<rng.int(in: 1...3) {
                let method = rng.pick(kind.payments)
                if !payments.contains(method) { payments.append(method) }
            }

            var eligibility = age?.text ?? rng.pick(["Open to the public", "Adults and families", "Anyone in need", "Residents of the service area"])
            if let gender { eligibility += gender == "Female" ? "; women only" : "; men only" }
            if let income { eligibility += ". " + income }
            if let residency { eligibility += ". " + residency }
            eligibility += "."

            let phone = rng.chance(0.7) ? site.phone : DirectoryGenerator.phoneNumber(areaCode: p.areaCode, using: &rng)
            var tollFree: String? = nil
            if kind.domain == .clinical && kind.term.code.hasPrefix("RP-1500") {
                tollFree = "988"
            } else if rng.chance(0.1) {
                tollFree = "1-800-555-01" + DirectoryGenerator.twoDigits(rng.int(below: 100))
            }

            let quirks = (iCarol: rng.chance(Rates.iCarolExtras), facet: rng.chance(Rates.facetCode),
                          html: rng.chance(Rates.doubleEscapedHTML), emptyPhone: rng.chance(Rates.emptyPhoneNumber),
                          strings: rng.chance(Rates.numbersAsStrings))
            let slug = DirectoryGenerator.slug(baseName)

            return Service(
                index: index,
                key: String(3_000_000_000 + index),
                id: DirectoryGenerator.uuid(seed: seed, .serviceID, index),
                kind: kindIndex,
                name: agency.name + " — " + baseName,
                baseName: baseName,
                terms: terms,
                languages: languages,
                writesOwnLanguages: writesOwnLanguages,
                minimumAge: age?.min, maximumAge: age?.max, ageText: age?.text,
                gender: gender, income: income, residency: residency,
                otherRequirement: sobriety ? rng.pick(["Must be sober on arrival", "Must agree to random drug and alcohol testing",
                                                      "30 days of sobriety required before move-in"]) : nil,
                eligibility: eligibility,
                applicationProcess: rng.pick(DirectoryGenerator.intakeSteps),
                documents: Array(kind.documents.prefix(rng.int(in: 1...kind.documents.count))),
                fees: rng.pick(kind.fees),
                payments: payments,
                hours: hours, dayHours: dayHours,
                phone: phone, tollFree: tollFree,
                areas: areas,
                added: Day.random(years: 2005...2020, using: &rng),
                verified: Day.random(years: 2021...2026, using: &rng),
                availableForReferral: !rng.chance(Rates.notAvailableForReferral),
                inactive: rng.chance(Rates.inactive),
                broken: rng.chance(Rates.broken),
                capacities: capacities,
                url: rng.chance(0.6) ? agency.url + "programs/" + slug : nil,
                email: rng.chance(0.4) ? agency.email : nil,
                descriptionSeed: rng.next(),
                descriptionLength: rng.int(in: 2_150...4_000),
                iCarolExtras: quirks.iCarol, facet: quirks.facet ? rng.pick(DirectoryGenerator.facetStrings) : nil,
                htmlMarkup: quirks.html, emptyPhone: quirks.emptyPhone, joinedLanguages: joinedLanguages,
                numbersAsStrings: quirks.strings,
                noLocation: telehealth && rng.chance(Rates.noLocationOfTelehealth),
                noPhones: rng.chance(Rates.noPhones),
                noSchedule: rng.chance(Rates.noSchedule))
        }
    }
}

// MARK: - Shared text helpers

extension DirectoryGenerator {
    /// "(402) 555-0147": the 555-0100…0199 numbers are reserved for fiction.
    static func phoneNumber(areaCode: String, using rng: inout SplitMix64) -> String {
        let line = "01" + twoDigits(rng.int(below: 100))
        switch rng.int(below: 10) {
        case 0..<5: return "(" + areaCode + ") 555-" + line
        case 5..<9: return areaCode + "-555-" + line
        default: return areaCode + ".555." + line
        }
    }

    /// Lower-case letters and digits of a name: "Open Door Mission" → "opendoormission".
    static func slug(_ name: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.utf8.count)
        for b in name.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): bytes.append(b)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): bytes.append(b + 32)
            default: break
            }
        }
        return String(decoding: bytes.prefix(40), as: UTF8.self)
    }

    /// The language names a service states, in table order.
    static func languageNames(_ set: UInt16, useAltNames: Bool) -> [String] {
        var names: [String] = []
        for (i, language) in languages.enumerated() where set & (1 << UInt16(i)) != 0 {
            names.append(useAltNames ? (language.altName ?? language.name) : language.name)
        }
        return names
    }

    /// A language other than English the service offers, for texts ("Spanish" when it offers none).
    static func spokenLanguage(_ set: UInt16) -> String {
        for (i, language) in languages.enumerated() where i > 0 && set & (1 << UInt16(i)) != 0 {
            return language.name
        }
        return "Spanish"
    }

    /// Appends the service's long description: overview, details, eligibility, intake, what to
    /// bring, the agency's history, access and a closing note. With `markup`, section headings are
    /// HTML-escaped bold text, as iCarol exports them (the XML writer escapes them a second time).
    static func appendDescription(of service: Service, site: Site, agency: Agency, markup: Bool, to out: inout String) {
        let kind = kinds[service.kind]
        let p = places[site.place]
        let context = TextContext(agency: agency.name, city: p.city, county: p.countyName, state: p.stateName,
                                  founded: agency.founded, phone: service.phone,
                                  language: spokenLanguage(service.languages), noun: lowerCased(service.baseName))
        var builder = TextBuilder(rng: SplitMix64(seed: service.descriptionSeed), context: context)
        let start = out.utf8.count
        let target = service.descriptionLength
        func heading(_ title: String) -> String? {
            guard markup else { return nil }
            return (title == "About" ? "" : "&lt;br&gt;") + "&lt;b&gt;" + title + ":&lt;/b&gt; "
        }
        let sections: [(pool: [Template], min: Int, max: Int, end: Double, title: String)] = [
            (kind.overview, 2, 5, 0.20, "About"),
            (kind.details, 1, 7, 0.38, "Program details"),
            (eligibilityTemplates, 1, 4, 0.50, "Eligibility"),
            (intakeTemplates, 1, 5, 0.64, "How to apply"),
            (bringTemplates, 1, 4, 0.74, "What to bring"),
            (historyTemplates, 1, 5, 0.87, "About the agency"),
            (accessTemplates, 0, 4, 0.96, "Accessibility"),
            (closingTemplates, 1, 3, 1.00, "Please note"),
        ]
        // The agency's history reads the same in each of its services, as in real exports.
        var history = TextBuilder(rng: SplitMix64(seed: agency.historySeed),
                                  context: historyContext(name: agency.name, place: places[agency.place], founded: agency.founded))
        for section in sections {
            let goal = Int(Double(target) * section.end)
            if section.title == "About the agency" {
                history.appendSentences(from: section.pool, minimum: section.min, maximum: section.max, goal: goal,
                                        start: start, heading: heading(section.title), to: &out)
            } else {
                builder.appendSentences(from: section.pool, minimum: section.min, maximum: section.max, goal: goal,
                                        start: start, heading: heading(section.title), to: &out)
            }
        }
    }

    /// Slots for an agency's history: its home county, not the site's.
    static func historyContext(name: String, place p: Place, founded: Int) -> TextContext {
        TextContext(agency: name, city: p.city, county: p.countyName, state: p.stateName, founded: founded,
                    phone: "", language: "Spanish", noun: "program")
    }

    /// "Winter Overflow Shelter" → "winter overflow shelter"; keeps acronyms ("IPS supported employment").
    static func lowerCased(_ text: String) -> String {
        text.split(separator: " ").map { word in
            word.count > 1 && word.allSatisfy({ $0.isUppercase }) ? String(word) : word.lowercased()
        }.joined(separator: " ")
    }
}

extension String {
    /// Fills the `{city}` and `{county}` of an agency name pattern.
    fileprivate func replacingSlots(city: String, county: String) -> String {
        guard contains("{") else { return self }
        var out = ""
        var rest = Substring(self)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            switch rest[rest.index(after: open)..<close] {
            case "city": out += city
            case "county": out += county
            default: out += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }

    fileprivate var capitalizedFirst: String {
        guard let first else { return self }
        return first.uppercased() + dropFirst()
    }
}

/// Drawing helpers for synthetic data.
extension SplitMix64 {
    /// An independent stream for record `index` of kind `salt`, so each record's content does
    /// not depend on how many numbers earlier records drew.
    init(seed: UInt64, salt: UInt64, index: Int) {
        var mixer = SplitMix64(seed: seed ^ (salt &* 0x9E37_79B9_7F4A_7C15))
        let a = mixer.next()
        self.init(seed: a ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03))
        _ = next()
    }

    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + int(below: range.upperBound - range.lowerBound + 1)
    }

    mutating func chance(_ p: Double) -> Bool {
        Double(next() >> 11) * 0x1p-53 < p
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[int(below: items.count)]
    }

    /// An index drawn with the given weights.
    mutating func weighted(_ weights: [Int]) -> Int {
        var r = int(below: weights.reduce(0, +))
        for (i, w) in weights.enumerated() {
            if r < w { return i }
            r -= w
        }
        return weights.count - 1
    }
}
