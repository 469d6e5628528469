/// Reading a service as `JSONEncoder` wrote it into the store, without `JSONDecoder` (half of a
/// server's start at a million services). Each type reads exactly what its `Codable` conformance
/// accepts from such a document; anything else (an unknown or repeated key, a `null` where a value is
/// required, a number written with a fraction where a whole one is due) is `Unexpected`, and the caller
/// decodes the document with `JSONDecoder`, whose answer or error is then the one given. A
/// differential test holds the two to the same values.
extension Service {
    /// The service, or nil when the text is anything but what this reader expects.
    public init?(storedJSON bytes: UnsafeBufferPointer<UInt8>) {
        var reader = JSONTextReader(bytes)
        do {
            self = try Service(reading: &reader)
            try reader.end()
        } catch {
            return nil
        }
    }

    init(reading r: inout JSONTextReader) throws(JSONTextReader.Unexpected) {
        var keys = ReadKeys()
        var id: String?, name: String?, description: String?, organizationID: String?, organizationName: String?
        var status: ServiceStatus?, availableForReferral: Bool?, taxonomyCodes: [String]?, categories: [NeedCategory]?
        var attributes: ProgramAttributes?, languages: [String]?, locations: [Location]?, areasServed: [ServiceArea]?
        var eligibility: Eligibility?, hours: String?, fees: String?, applicationProcess: String?, capacity: Capacity?
        var lastVerified: CalendarDay?, phones: [String]?, url: String?, email: String?, provenance: Provenance?
        var accessibility: ServiceAccessibility?
        try r.object { (r: inout JSONTextReader, key: String) throws(JSONTextReader.Unexpected) in
            switch key {
            case "id": try keys.first(0, r); id = try r.string()
            case "name": try keys.first(1, r); name = try r.string()
            case "description": try keys.first(2, r); description = try r.optionalString()
            case "organization_id": try keys.first(3, r); organizationID = try r.string()
            case "organization_name": try keys.first(4, r); organizationName = try r.string()
            case "status": try keys.first(5, r); status = try ServiceStatus(reading: &r)
            case "available_for_referral": try keys.first(6, r); availableForReferral = try r.bool()
            case "taxonomy_codes": try keys.first(7, r); taxonomyCodes = try r.strings()
            case "categories": try keys.first(8, r); categories = try r.list { (r: inout JSONTextReader) throws(JSONTextReader.Unexpected) in try NeedCategory(reading: &r) }
            case "attributes": try keys.first(9, r); attributes = try ProgramAttributes(reading: &r)
            case "languages": try keys.first(10, r); languages = try r.strings()
            case "locations": try keys.first(11, r); locations = try r.list { (r: inout JSONTextReader) throws(JSONTextReader.Unexpected) in try Location(reading: &r) }
            case "areas_served": try keys.first(12, r); areasServed = try r.list { (r: inout JSONTextReader) throws(JSONTextReader.Unexpected) in try ServiceArea(reading: &r) }
            case "eligibility": try keys.first(13, r); eligibility = try Eligibility(reading: &r)
            case "hours": try keys.first(14, r); hours = try r.optionalString()
            case "fees": try keys.first(15, r); fees = try r.optionalString()
            case "application_process": try keys.first(16, r); applicationProcess = try r.optionalString()
            case "capacity": try keys.first(17, r); capacity = try r.null() ? nil : try Capacity(reading: &r)
            case "last_verified": try keys.first(18, r); lastVerified = try r.null() ? nil : try CalendarDay(reading: &r)
            case "phones": try keys.first(19, r); phones = try r.strings()
            case "url": try keys.first(20, r); url = try r.optionalString()
            case "email": try keys.first(21, r); email = try r.optionalString()
            case "provenance": try keys.first(22, r); provenance = try Provenance(reading: &r)
            case "accessibility": try keys.first(23, r); accessibility = try r.null() ? nil : try ServiceAccessibility(reading: &r)
            default: throw r.unexpected()
            }
        }
        guard let id, let name, let organizationID, let organizationName, let status, let availableForReferral, let taxonomyCodes,
              let categories, let attributes, let languages, let locations, let areasServed, let eligibility, let phones, let provenance
        else { throw r.unexpected() }
        self.init(id: id, name: name, description: description, organizationID: organizationID, organizationName: organizationName,
                  status: status, availableForReferral: availableForReferral, taxonomyCodes: taxonomyCodes, categories: categories,
                  attributes: attributes, languages: languages, locations: locations, areasServed: areasServed, eligibility: eligibility,
                  hours: hours, fees: fees, capacity: capacity, lastVerified: lastVerified, phones: phones, url: url, email: email,
                  applicationProcess: applicationProcess, provenance: provenance, accessibility: accessibility)
    }
}

/// The keys an object has given, to refuse one given twice.
private struct ReadKeys {
    private var seen: UInt32 = 0

    mutating func first(_ bit: Int, _ reader: borrowing JSONTextReader) throws(JSONTextReader.Unexpected) {
        let mask: UInt32 = 1 << UInt32(bit)
        guard seen & mask == 0 else { throw reader.unexpected() }
        seen |= mask
    }
}

extension JSONTextReader {
    /// A string, or nil for `null` (as `decodeIfPresent` reads both).
    mutating func optionalString() throws(Unexpected) -> String? {
        try null() ? nil : try string()
    }

    mutating func optionalInt() throws(Unexpected) -> Int? {
        try null() ? nil : try int()
    }
}

extension Vocabulary {
    /// One of the words (exactly, as `Vocabulary`'s decoding takes it).
    init(reading r: inout JSONTextReader) throws(JSONTextReader.Unexpected) {
        guard let value = Self(rawValue: try r.string()) else { throw r.unexpected() }
        self = value
    }
}

extension CalendarDay {
    init(reading r: inout JSONTextReader) throws(JSONTextReader.Unexpected) {
        guard let day = CalendarDay(iso: try r.string()) else { throw r.unexpected() }
        self = day
    }
}

extension NeedCategory {
    init(reading r: inout JSONTextReader) throws(JSONTextReader.Unexpected) {
        var keys = ReadKeys()
        var domain: NeedDomain?, detail: String?
        try r.object { (r: inout JSONTextReader, key: String) throws(JSONTextReader.Unexpected) in
            switch key {
            case "domain": try keys.first(0, r); domain = try NeedDomain(reading: &r)
            case "detail": try keys.first(1, r); detail = try r.optionalString()
            default: throw r.unexpected()
            }
        }
        guard let domain else { throw r.unexpected() }
        self.init(domain, detail)
    }
}

extension ProgramAttributes {
    init(reading r: inout JSONTextReader) throws(JSONTextReader.Unexpected) {
        var keys = ReadKeys()
        var flags = [Bool?](repeating: nil, count: 7)
        var fidelity: IPSFidelity?, tradition: String?
        try r.object { (r: inout JSONTextReader, key: String) throws(JSONTextReader.Unexpected) in
            switch key {
            case "ips": try keys.first(0, r); flags[0] = try r.bool()
            case "housing_first": try keys.first(1, r); flags[1] = try r.bool()
            case "sobriety_required": try keys.first(2, r); flags[2] = try r.bool()
            case "faith_based": try keys.first(3, r); flags[3] = try r.bool()
            case "peer_run": try keys.first(4, r); flags[4] = try r.bool()
            case "trauma_informed": try keys.first(5, r); flags[5] = try r.bool()
            case "telehealth": try keys.first(6, r); flags[6] = try r.bool()
            case "ips_fidelity": try keys.first(7, r); fidelity = try r.null() ? nil : try IPSFidelity(reading: &r)
            case "faith_tradition": try keys.first(8, r); tradition = try r.optionalString()
            default: throw r.unexpected()
            }
        }
        guard let ips = flags[0], let housingFirst = flags[1], let sobrietyRequired = flags[2], let faithBased = flags[3],
              let peerRun = flags[4], let traumaInformed = flags[5], let telehealth = flags[6] else { throw r.unexpected() }
        self.init()
        self.ips = ips
        self.ipsFidelity = fidelity
        self.housingFirst = housingFirst
        self.sobrietyRequired = sobrietyRequired
        self.faithBased = faithBased
        self.faithTradition = tradition
        self.peerRun = peerRun
        self.traumaInformed = traumaInformed
        self.telehealth = telehealth
    }
}

extension Location {
    init(reading r: inout JSONTextReader) throws(JSONTextReader.Unexpected) {
        var keys = ReadKeys()
        var name: String?, address: Address?, coordinate: Coordinate?
        try r.object { (r: inout JSONTextReader, key: String) throws(JSONTextReader.Unexpected) in
            switch key {
            case "name": try keys.first(0, r); name = try r.optionalString()
            case "address": try keys.first(1, r); address = try r.null() ? nil : try Address(reading: &r)
            case "coordinate": try keys.first(2, r); coordinate = try r.null() ? nil : try Coordinate(reading: &r)
            default: throw r.unexpected()
            }
        }
        self.init(name: name, address: address, coordinate: coordinate)
    }
}

extension Address {
    init(reading r: inout JSONTextReader) throws(JSONTextReader.Unexpected) {
        var keys = ReadKeys()
        var address = Address()
        try r.object { (r: inout JSONTextReader, key: String) throws(JSONTextReader.Unexpected) in
            switch key {
            case "line_1": try keys.first(0, r); address.line1 = try r.optionalString()
            case "line_2": try keys.first(1, r); address.line2 = try r.optionalString()
            case "city": try keys.first(2, r); address.city = try r.optionalString()
            case "county": try keys.first(3, r); address.county = try r.optionalString()
            case "state": try keys.first(4, r); address.state = try r.optionalString()
            case "postal_code": try keys.first(5, r); address.postalCode = try r.optionalString()
            case "country": try keys.first(6, r); address.country = try r.optionalString()
            default: throw r.unexpected()
            }
        }
        self = address
    }
}

extension Coordinate {
    /// As the synthesised decoding reads it: the values as written, not range-checked.
    init(reading r: inout JSONTextReader) throws(JSONTextReader.Unexpected) {
        var keys = ReadKeys()
        var latitude: Double?, longitude: Double?
        try r.object { (r: inout JSONTextReader, key: String) throws(JSONTextReader.Unexpected) in
            switch key {
            case "latitude": try keys.first(0, r); latitude = try r.double()
            case "longitude": try keys.first(1, r); longitude = try r.double()
            default: throw r.unexpected()
            }
        }
        guard let latitude, let longitude else { throw r.unexpected() }
        self.latitude = latitude
        self.longitude = longitude
    }
}

extension ServiceArea {
    /// As `init(from:)` reads it: the kind first decides which of the other keys count.
    init(reading r: inout JSONTextReader) throws(JSONTextReader.Unexpected) {
        var keys = ReadKeys()
        var kind: String?, value: String?, state: String?, latitude: Double?, longitude: Double?, kilometres: Double?
        try r.object { (r: inout JSONTextReader, key: String) throws(JSONTextReader.Unexpected) in
            switch key {
            case "kind": try keys.first(0, r); kind = try r.string()
            case "value": try keys.first(1, r); value = try r.string()
            case "state": try keys.first(2, r); state = try r.optionalString()
            case "latitude": try keys.first(3, r); latitude = try r.double()
            case "longitude": try keys.first(4, r); longitude = try r.double()
            case "kilometres": try keys.first(5, r); kilometres = try r.double()
            default: throw r.unexpected()
            }
        }
        switch (kind, value) {
        case ("postal_code", let value?): self = .postalCode(value)
        case ("city", let value?): self = .city(value, state: state)
        case ("county", let value?): self = .county(value, state: state)
        case ("state", let value?): self = .state(value)
        case ("country", let value?): self = .country(value)
        case ("anywhere", _): self = .anywhere
        case ("radius", _):
            guard let latitude, let longitude, let kilometres, let center = Coordinate(latitude: latitude, longitude: longitude)
            else { throw r.unexpected() }
            self = .radius(center: center, kilometres: kilometres)
        default:
            throw r.unexpected()
        }
    }
}

extension Eligibility {
    init(reading r: inout JSONTextReader) throws(JSONTextReader.Unexpected) {
        var keys = ReadKeys()
        var minimumAge: Int?, maximumAge: Int?, genders: [Gender]?, residency: String?, income: Double?
        var payment: [String]?, requirements: [String]?
        try r.object { (r: inout JSONTextReader, key: String) throws(JSONTextReader.Unexpected) in
            switch key {
            case "minimum_age": try keys.first(0, r); minimumAge = try r.optionalInt()
            case "maximum_age": try keys.first(1, r); maximumAge = try r.optionalInt()
            case "genders": try keys.first(2, r); genders = try r.list { (r: inout JSONTextReader) throws(JSONTextReader.Unexpected) in try Gender(reading: &r) }
            case "residency": try keys.first(3, r); residency = try r.optionalString()
            case "monthly_income_limit": try keys.first(4, r); income = try r.null() ? nil : try r.double()
            case "payment_accepted": try keys.first(5, r); payment = try r.strings()
            case "requirements": try keys.first(6, r); requirements = try r.strings()
            default: throw r.unexpected()
            }
        }
        guard let genders, let payment, let requirements else { throw r.unexpected() }
        self.init(minimumAge: minimumAge, maximumAge: maximumAge, genders: genders, residency: residency, monthlyIncomeLimit: income,
                  paymentAccepted: payment, requirements: requirements)
    }
}

extension Capacity {
    init(reading r: inout JSONTextReader) throws(JSONTextReader.Unexpected) {
        var keys = ReadKeys()
        var capacity = Capacity()
        try r.object { (r: inout JSONTextReader, key: String) throws(JSONTextReader.Unexpected) in
            switch key {
            case "available": try keys.first(0, r); capacity.available = try r.optionalInt()
            case "maximum": try keys.first(1, r); capacity.maximum = try r.optionalInt()
            case "waitlist": try keys.first(2, r); capacity.waitlist = try r.optionalInt()
            case "updated": try keys.first(3, r); capacity.updated = try r.null() ? nil : try CalendarDay(reading: &r)
            default: throw r.unexpected()
            }
        }
        self = capacity
    }
}

extension Provenance {
    init(reading r: inout JSONTextReader) throws(JSONTextReader.Unexpected) {
        var keys = ReadKeys()
        var format: Format?, source: String?, file: String?, recordKey: String?, line: Int?
        try r.object { (r: inout JSONTextReader, key: String) throws(JSONTextReader.Unexpected) in
            switch key {
            case "format": try keys.first(0, r); format = try Format(reading: &r)
            case "source": try keys.first(1, r); source = try r.string()
            case "file": try keys.first(2, r); file = try r.string()
            case "record_key": try keys.first(3, r); recordKey = try r.string()
            case "line": try keys.first(4, r); line = try r.int()
            default: throw r.unexpected()
            }
        }
        guard let format, let source, let file, let recordKey, let line else { throw r.unexpected() }
        self.init(format: format, source: source, file: file, recordKey: recordKey, line: line)
    }
}

extension ServiceAccessibility {
    init(reading r: inout JSONTextReader) throws(JSONTextReader.Unexpected) {
        var keys = ReadKeys()
        var offers: [AccessibilityFeature]?, lacks: [AccessibilityFeature]?, statement: String?
        try r.object { (r: inout JSONTextReader, key: String) throws(JSONTextReader.Unexpected) in
            switch key {
            case "offers": try keys.first(0, r); offers = try r.list { (r: inout JSONTextReader) throws(JSONTextReader.Unexpected) in try AccessibilityFeature(reading: &r) }
            case "lacks": try keys.first(1, r); lacks = try r.list { (r: inout JSONTextReader) throws(JSONTextReader.Unexpected) in try AccessibilityFeature(reading: &r) }
            case "statement": try keys.first(2, r); statement = try r.optionalString()
            default: throw r.unexpected()
            }
        }
        guard let offers, let lacks else { throw r.unexpected() }
        self.init(offers: offers, lacks: lacks, statement: statement)
    }
}
