import TrellisCore

/// Reading the AIRS elements that recur across agencies, sites and services.
extension AIRSContext {
    func coordinate(_ spatial: XMLNode, recordKey: String?, report: inout FileReport) -> Coordinate? {
        var latitude = spatial.text(of: .latitude).flatMap(Double.init)
        var longitude = spatial.text(of: .longitude).flatMap(Double.init)
        if latitude == nil || longitude == nil, let datum = spatial.text(of: .datum) {
            // iCarol writes "lat, lon" into Datum.
            let parts = datum.split(separator: ",").map { Double($0.trimmingWhitespace()) }
            if parts.count == 2, let lat = parts[0], let lon = parts[1] {
                latitude = lat
                longitude = lon
                report.warn(RecordIssue(line: spatial.line, message: "coordinates read from Datum \"\(datum)\"", recordKey: recordKey, field: "SpatialLocation/Datum"))
            }
        }
        guard let latitude, let longitude else { return nil }
        guard let point = Coordinate(latitude: latitude, longitude: longitude) else {
            report.warn(RecordIssue(line: spatial.line, message: "coordinates (\(latitude), \(longitude)) are out of range; location point dropped, record kept", recordKey: recordKey, field: "SpatialLocation"))
            return nil
        }
        return point
    }

    func address(_ node: XMLNode) -> Address {
        Address(line1: node.text(of: .line1), line2: node.text(of: .line2), city: node.text(of: .city),
                county: node.text(of: .county).map(AreaText.normalisedCounty), state: node.text(of: .state),
                postalCode: node.text(of: .zipCode), country: node.text(of: .country))
    }

    mutating func languages(_ nodes: [XMLNode], recordKey: String?, report: inout FileReport) -> [String] {
        var codes: [String] = []
        for node in nodes {
            for nameNode in node.children(.name) {
                guard let text = nameNode.text else { continue }
                let field = languageFields[text] ?? Self.languageField(text)
                languageFields[text] = field
                for code in field.codes where !codes.contains(code) { codes.append(code) }
                for name in field.unknown {
                    report.warn(RecordIssue(line: nameNode.line, message: "unknown language \"\(name)\" ignored", recordKey: recordKey, field: "Languages/Name"))
                }
            }
        }
        return codes
    }

    static func languageField(_ text: String) -> (codes: [String], unknown: [String]) {
        var codes: [String] = [], unknown: [String] = []
        for name in LanguageCode.splitNames(text) {
            if let code = LanguageCode.fromName(name) { codes.append(code) } else { unknown.append(name) }
        }
        return (codes, unknown)
    }

    func hours(_ node: XMLNode) -> String? {
        if let notes = node.text(of: .notes) { return notes }
        var days: [String] = []
        for day in node.children {
            guard !day.isNamed(.notes) else { continue }
            let from = day.text(of: .from), to = day.text(of: .to)
            if from != nil || to != nil {
                days.append("\(day.name.prefix(3)) \(from ?? "?")–\(to ?? "?")")
            }
        }
        return days.isEmpty ? nil : days.joined(separator: "; ")
    }

    /// The `ApplicationProcess` steps' descriptions in order, one sentence each ("Step" names such as
    /// "All Steps" say nothing a person can act on, so only a step with no description is named; a
    /// description repeated by several steps is said once).
    func applicationProcess(_ node: XMLNode) -> String? {
        var steps: [String] = []
        for process in node.children(.applicationProcess) {
            if let step = process.text(of: .description) ?? process.text(of: .step), !steps.contains(step) { steps.append(step) }
        }
        return steps.isEmpty ? nil : steps.joined(separator: " ")
    }

    func phones(_ nodes: [XMLNode]) -> [String] {
        nodes.compactMap { phone in
            guard let number = phone.text(of: .phoneNumber) else { return nil }
            if let ext = phone.text(of: .phoneExtension) { return "\(number) ext. \(ext)" }
            return number
        }
    }

    func areasServed(_ nodes: [XMLNode], recordKey: String?, report: inout FileReport) -> [ServiceArea] {
        var areas: [ServiceArea] = []
        for node in nodes {
            let state = node.text(of: .state)
            var specific = false
            for zip in node.children(.zipCode) { if let z = zip.text { areas.append(.postalCode(z)); specific = true } }
            for city in node.children(.city) { if let c = city.text { areas.append(.city(c, state: state)); specific = true } }
            for county in node.children(.county) {
                if let c = county.text { areas.append(.county(AreaText.normalisedCounty(c), state: state)); specific = true }
            }
            if let description = node.text(of: .description) {
                if let parsed = AreaText.areas(from: description, state: state) {
                    areas.append(contentsOf: parsed)
                    specific = true
                } else if !specific {
                    report.warn(RecordIssue(line: node.line, message: "area served \"\(description)\" is only text; not used as a restriction", recordKey: recordKey, field: "GeographicAreaServed/Description"))
                }
            }
            if !specific {
                if let state {
                    areas.append(.state(state))
                } else if let country = node.text(of: .country) {
                    areas.append(.country(country))
                }
            }
        }
        // "Anywhere" beside specific places says nothing more; keep the list honest.
        if areas.count > 1 { areas.removeAll { $0 == .anywhere } }
        return areas
    }

    func eligibility(_ node: XMLNode, recordKey: String, report: inout FileReport) -> Eligibility {
        var result = Eligibility()
        var genders = Set<Gender>()
        var minimums: [Int] = [], maximums: [Int] = []
        for age in node.children(.ageRequirements) {
            if let raw = age.attribute("MinimumAge") {
                if let v = Int(raw) { minimums.append(v) } else {
                    report.warn(RecordIssue(line: age.line, message: "MinimumAge \"\(raw)\" is not a whole number", recordKey: recordKey, field: "AgeRequirements/@MinimumAge"))
                }
            }
            if let raw = age.attribute("MaximumAge") {
                if let v = Int(raw) { maximums.append(v) } else {
                    report.warn(RecordIssue(line: age.line, message: "MaximumAge \"\(raw)\" is not a whole number", recordKey: recordKey, field: "AgeRequirements/@MaximumAge"))
                }
            }
            if let g = age.attribute("Gender").flatMap(Gender.init(word:)) { genders.insert(g) }
        }
        // Several AgeRequirements (one per gender) widen, never narrow.
        result.minimumAge = minimums.min()
        result.maximumAge = maximums.max()
        if let text = node.text(of: .genderRequirements) { genders.formUnion(Self.genders(in: text)) }
        result.genders = genders.count == 1 ? Array(genders) : []
        result.residency = node.text(of: .residencyRequirements)
        var requirements: [String] = []
        for element in [AIRSElement.generalEligibility, .otherRequirements, .familyRequirements, .incomeRequirements] {
            for child in node.children(element) { if let t = child.text { requirements.append(t) } }
        }
        for income in node.children(.incomeRequirements) {
            if let text = income.text, let limit = IncomeLimit.monthly(from: text) {
                result.monthlyIncomeLimit = min(result.monthlyIncomeLimit ?? .infinity, limit)
            }
        }
        result.requirements = requirements
        result.paymentAccepted = node.children(.paymentMethodAccepted)
            .compactMap(\.text)
            .flatMap { LanguageCode.splitNames($0) }
            .map { $0.lowercased() }
        return result
    }

    /// Genders named by a requirement text ("Women only", "Men and women", "No gender requirements").
    static func genders(in text: String) -> Set<Gender> {
        let words = Set(text.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init))
        if words.contains("no") || words.contains("any") || words.contains("all") || words.contains("both") { return [] }
        var result = Set<Gender>()
        for word in words { if let g = Gender(word: word) { result.insert(g) } }
        return result
    }

    static func bool(_ raw: String) -> Bool? {
        switch raw.lowercased() {
        case "true", "1", "yes", "y": true
        case "false", "0", "no", "n": false
        default: nil
        }
    }
}
