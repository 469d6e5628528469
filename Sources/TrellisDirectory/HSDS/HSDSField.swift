import TrellisCore

/// Reads HSDS fields leniently, warning (with the record's line) about each real-data quirk.
struct HSDSField {
    let line: Int
    let recordKey: String

    struct Term {
        var code: String?
        var name: String?
    }

    /// Text of a string or number; nil for blank, null or structured values.
    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let s)?: s.nonBlank
        case .number(let n)?: n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        default: nil
        }
    }

    /// A number, also when written as a string (a warning says so).
    func number(_ value: JSONValue?, field: String, report: inout FileReport) -> Double? {
        switch value {
        case .number(let n)?: return n
        case .string(let s)?:
            guard let text = s.nonBlank else { return nil }
            if let n = Double(text) {
                report.warn(RecordIssue(line: line, message: "\(field) is a string (\"\(text)\"), read as a number", recordKey: recordKey, field: field))
                return n
            }
            report.warn(RecordIssue(line: line, message: "\(field) \"\(text)\" is not a number; ignored", recordKey: recordKey, field: field))
            return nil
        case .null?, nil: return nil
        default:
            report.warn(RecordIssue(line: line, message: "\(field) is not a number; ignored", recordKey: recordKey, field: field))
            return nil
        }
    }

    func taxonomyTerms(_ service: JSONValue) -> [Term] {
        var terms: [Term] = []
        for attribute in service["attributes"]?.arrayValue ?? [] {
            let term = attribute["taxonomy_term"] ?? attribute
            let t = Term(code: Self.text(term["code"]), name: Self.text(term["name"]))
            if t.code != nil || t.name != nil { terms.append(t) }
        }
        for term in service["taxonomy_terms"]?.arrayValue ?? [] {
            let t = Term(code: Self.text(term["code"]), name: Self.text(term["name"]))
            if t.code != nil || t.name != nil { terms.append(t) }
        }
        return terms
    }

    func languages(_ value: JSONValue?, report: inout FileReport) -> [String] {
        var codes: [String] = []
        for language in value?.arrayValue ?? [] {
            let raw = Self.text(language["code"]) ?? Self.text(language["name"]) ?? Self.text(language)
            guard let raw else { continue }
            if let code = LanguageCode.fromName(raw) ?? Self.text(language["name"]).flatMap(LanguageCode.fromName) {
                if !codes.contains(code) { codes.append(code) }
            } else {
                report.warn(RecordIssue(line: line, message: "unknown language \"\(raw)\" ignored", recordKey: recordKey, field: "languages"))
            }
        }
        return codes
    }

    /// HSDS 3.0 `accessibility` objects of the service's locations (`description`, `details`), or
    /// HSDS 2.0's `accessibility_for_disabilities` (`accessibility`, `details`), read as features
    /// present or absent.
    func accessibility(_ service: JSONValue) -> ServiceAccessibility? {
        var raw: [JSONValue] = (service["service_at_locations"]?.arrayValue ?? []).compactMap { $0["location"] }
        raw += service["locations"]?.arrayValue ?? []
        let texts = raw.flatMap { location in
            (location["accessibility"]?.arrayValue ?? []).flatMap { [Self.text($0["description"]), Self.text($0["details"])].compactMap { $0 } }
                + (location["accessibility_for_disabilities"]?.arrayValue ?? []).flatMap {
                    [Self.text($0["accessibility"]), Self.text($0["details"])].compactMap { $0 }
                }
        }
        return AccessibilityText.read(texts)
    }

    func locations(_ service: JSONValue, report: inout FileReport) -> [Location] {
        var raw: [JSONValue] = (service["service_at_locations"]?.arrayValue ?? []).compactMap { $0["location"] }
        raw += service["locations"]?.arrayValue ?? []
        return raw.compactMap { location in
            guard location.isObject else { return nil }
            var coordinate: Coordinate? = nil
            let lat = number(location["latitude"], field: "location.latitude", report: &report)
            let lon = number(location["longitude"], field: "location.longitude", report: &report)
            if let lat, let lon {
                coordinate = Coordinate(latitude: lat, longitude: lon)
                if coordinate == nil {
                    report.warn(RecordIssue(line: line, message: "coordinates (\(lat), \(lon)) are out of range; location point dropped, service kept", recordKey: recordKey, field: "location"))
                }
            }
            let address = (location["addresses"]?.arrayValue ?? [])
                .first { Self.text($0["address_type"]) != "postal" } ?? location["addresses"]?.arrayValue.first
            let parsed = address.map { a in
                Address(line1: Self.text(a["address_1"]), line2: Self.text(a["address_2"]), city: Self.text(a["city"]),
                        county: Self.text(a["region"]).map(AreaText.normalisedCounty),
                        state: Self.text(a["state_province"]), postalCode: Self.text(a["postal_code"]),
                        country: Self.text(a["country"]))
            }
            if coordinate == nil && (parsed?.isEmpty ?? true) { return nil }
            return Location(name: Self.text(location["name"]), address: parsed, coordinate: coordinate)
        }
    }

    func areas(_ value: JSONValue?, report: inout FileReport) -> [ServiceArea] {
        var areas: [ServiceArea] = []
        for area in value?.arrayValue ?? [] {
            guard let words = Self.text(area["name"]) ?? Self.text(area["description"]) else { continue }
            if let parsed = AreaText.areas(from: words, state: nil) {
                areas.append(contentsOf: parsed)
            } else {
                report.warn(RecordIssue(line: line, message: "service area \"\(words)\" is only text; not used as a restriction", recordKey: recordKey, field: "service_areas"))
            }
        }
        if areas.count > 1 { areas.removeAll { $0 == .anywhere } }
        return areas
    }

    func eligibility(_ service: JSONValue, report: inout FileReport) -> Eligibility {
        var result = Eligibility()
        result.minimumAge = number(service["minimum_age"], field: "minimum_age", report: &report).map { Int($0) }
        result.maximumAge = number(service["maximum_age"], field: "maximum_age", report: &report).map { Int($0) }
        if let text = Self.text(service["eligibility_description"]) {
            result.requirements = [text]
            result.monthlyIncomeLimit = IncomeLimit.monthly(from: text)
            let genders = AIRSContext.genders(in: text)
            result.genders = genders.count == 1 ? Array(genders) : []
        }
        return result
    }

    func capacity(_ value: JSONValue?, report: inout FileReport) -> Capacity? {
        var capacity = Capacity()
        for entry in value?.arrayValue ?? [] {
            let unit = (Self.text(entry["unit"]?["name"]) ?? Self.text(entry["description"]) ?? "").lowercased()
            let available = number(entry["available"], field: "capacities.available", report: &report).map { Int($0) }
            if unit.containsBytes("wait") {
                capacity.waitlist = (capacity.waitlist ?? 0) + (available ?? 0)
            } else {
                if let available { capacity.available = (capacity.available ?? 0) + available }
                if let maximum = number(entry["maximum"], field: "capacities.maximum", report: &report).map({ Int($0) }) {
                    capacity.maximum = (capacity.maximum ?? 0) + maximum
                }
            }
            if let updated = day(entry["updated"], field: "capacities.updated", report: &report) {
                capacity.updated = max(capacity.updated ?? updated, updated)
            }
        }
        return capacity.isEmpty ? nil : capacity
    }

    func day(_ value: JSONValue?, field: String, report: inout FileReport) -> CalendarDay? {
        guard let text = Self.text(value) else { return nil }
        if let day = CalendarDay(iso: text) { return day }
        report.warn(RecordIssue(line: line, message: "\(field) \"\(text)\" is not a date (YYYY-MM-DD)", recordKey: recordKey, field: field))
        return nil
    }
}
