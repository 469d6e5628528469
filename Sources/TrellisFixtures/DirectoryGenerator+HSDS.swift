/// HSDS 3.0 JSON output: a top-level array of service objects, one service per line, each nesting its
/// organization and locations, plus HSDS 3.1 `capacities` for housing. Quirks (numbers as strings,
/// out-of-range latitudes, missing optional parts, services without `status`) at the rates in
/// ``DirectoryGenerator/Rates``.
extension DirectoryGenerator {
    struct HSDSWriter: DirectoryGeneratorWriter {
        let seed: UInt64
        let total: Int
        private var written = 0
        /// Description text before escaping, reused.
        private var scratch = ""

        init(seed: UInt64, total: Int) {
            self.seed = seed
            self.total = total
            scratch.reserveCapacity(8 * 1024)
        }

        mutating func begin(into out: inout String) {
            out += "[\n"
        }

        mutating func end(into out: inout String) {
            out += "]\n"
        }

        mutating func write(_ event: Event, into out: inout String) {
            guard case .service(let service, let site, let agency) = event else { return }
            writeService(service, site: site, agency: agency, &out)
            written += 1
            out += written < total ? ",\n" : "\n"
        }

        private mutating func writeService(_ service: Service, site: Site, agency: Agency, _ out: inout String) {
            let p = DirectoryGenerator.places[site.place]
            writeFields(service, site: site, agency: agency, &out)
            Self.writeOrganization(agency, &out)
            Self.writeEligibility(service, &out)
            writeAttributes(service, &out)
            Self.writeLanguages(service, &out)
            writeAreas(service, place: p, &out)
            if !service.noLocation {
                out += ",\"service_at_locations\":[{\"id\":\""
                out += DirectoryGenerator.uuid(seed: seed, .serviceAtLocationID, service.index)
                out += "\",\"location\":"
                writeLocation(site, place: p, asStrings: service.numbersAsStrings, &out)
                out += "}]"
            }

            if !service.noSchedule {
                out += ",\"schedules\":[{\"description\":"
                Self.string(service.hours, &out)
                out += "}]"
            }

            if !service.noPhones {
                out += ",\"phones\":[{\"number\":"
                Self.string(service.phone, &out)
                out += ",\"type\":\"voice\"}"
                if let tollFree = service.tollFree {
                    out += ",{\"number\":"
                    Self.string(tollFree, &out)
                    out += ",\"type\":\"voice\",\"description\":"
                    Self.string(tollFree == "988" ? "988 Suicide & Crisis Lifeline" : "Toll-free", &out)
                    out += "}"
                }
                out += "]"
            }

            writeCapacities(service, &out)
            out += "}"
        }

        /// The service's own fields, from its id to its status.
        private mutating func writeFields(_ service: Service, site: Site, agency: Agency, _ out: inout String) {
            out += "{\"id\":"
            Self.string(service.id, &out)
            out += ",\"name\":"
            Self.string(service.name, &out)
            out += ",\"description\":"
            scratch.removeAll(keepingCapacity: true)
            DirectoryGenerator.appendDescription(of: service, site: site, agency: agency, markup: false, to: &scratch)
            Self.string(scratch, &out)
            if let url = service.url {
                out += ",\"url\":"
                Self.string(url, &out)
            }
            if let email = service.email {
                out += ",\"email\":"
                Self.string(email, &out)
            }
            if !service.broken {
                out += service.inactive ? ",\"status\":\"inactive\"" : ",\"status\":\"active\""
            }
        }

        /// The organization, nested.
        private static func writeOrganization(_ agency: Agency, _ out: inout String) {
            out += ",\"organization_id\":"
            string(agency.id, &out)
            out += ",\"organization\":{\"id\":"
            string(agency.id, &out)
            out += ",\"name\":"
            string(agency.name, &out)
            if agency.hasDescription {
                out += ",\"description\":"
                string(agency.description, &out)
            }
            if agency.hasWebsite {
                out += ",\"website\":"
                string(agency.url, &out)
            }
            out += ",\"email\":"
            string(agency.email, &out)
            if let parent = agency.parentID {
                out += ",\"parent_organization_id\":"
                string(parent, &out)
            }
            out += "}"
        }

        /// How to apply, fees, eligibility and ages.
        private static func writeEligibility(_ service: Service, _ out: inout String) {
            let asStrings = service.numbersAsStrings
            out += ",\"application_process\":"
            string(service.applicationProcess, &out)
            out += ",\"fees_description\":"
            var fees = service.fees
            if !service.payments.isEmpty && service.payments != ["None required"] {
                fees += ". Accepts " + service.payments.joined(separator: ", ") + "."
            }
            string(fees, &out)
            out += ",\"eligibility_description\":"
            string(service.eligibility, &out)
            if let min = service.minimumAge {
                out += ",\"minimum_age\":"
                number(String(min), asString: asStrings, &out)
            }
            if let max = service.maximumAge {
                out += ",\"maximum_age\":"
                number(String(max), asString: asStrings, &out)
            }
            out += ",\"assured_date\":\""
            out += service.verified.iso
            out += "\""
        }

        /// Taxonomy terms as attributes.
        private func writeAttributes(_ service: Service, _ out: inout String) {
            if !service.terms.isEmpty {
                out += ",\"attributes\":["
                for (k, term) in service.terms.enumerated() {
                    if k > 0 { out += "," }
                    out += "{\"id\":\""
                    out += DirectoryGenerator.uuid(seed: seed, .attributeID, service.index &* 64 &+ k)
                    out += "\",\"taxonomy_term\":{\"id\":\""
                    out += DirectoryGenerator.uuid(seed: seed, .termID, DirectoryGenerator.hash(term.code))
                    out += "\",\"code\":"
                    Self.string(term.code, &out)
                    out += ",\"name\":"
                    Self.string(term.name, &out)
                    out += ",\"taxonomy\":"
                    Self.string(term.taxonomy, &out)
                    out += "}}"
                }
                out += "]"
            }
        }

        private static func writeLanguages(_ service: Service, _ out: inout String) {
            out += ",\"languages\":["
            var first = true
            for (i, language) in DirectoryGenerator.languages.enumerated() where service.languages & (1 << UInt16(i)) != 0 {
                if !first { out += "," }
                first = false
                out += "{\"code\":\""
                out += language.code
                out += "\",\"name\":"
                string(language.name, &out)
                out += "}"
            }
            out += "]"
        }

        /// HSDS 3.1 capacities, for housing.
        private func writeCapacities(_ service: Service, _ out: inout String) {
            let asStrings = service.numbersAsStrings
            if !service.capacities.isEmpty {
                out += ",\"capacities\":["
                for (k, capacity) in service.capacities.enumerated() {
                    if k > 0 { out += "," }
                    out += "{\"id\":\""
                    out += DirectoryGenerator.uuid(seed: seed, .capacityID, service.index &* 4 &+ k)
                    out += "\",\"service_id\":\""
                    out += service.id
                    out += "\",\"unit\":{\"id\":\""
                    out += DirectoryGenerator.uuid(seed: seed, .unitID, DirectoryGenerator.hash(capacity.unit))
                    out += "\",\"name\":"
                    Self.string(capacity.unit, &out)
                    out += "},\"available\":"
                    Self.number(String(capacity.available), asString: asStrings, &out)
                    if let maximum = capacity.maximum {
                        out += ",\"maximum\":"
                        Self.number(String(maximum), asString: asStrings, &out)
                    }
                    out += ",\"updated\":\""
                    out += capacity.updated.iso
                    out += "T"
                    out += DirectoryGenerator.twoDigits(8 + service.index % 10)
                    out += ":00:00Z\"}"
                }
                out += "]"
            }
        }

        private func writeAreas(_ service: Service, place p: Place, _ out: inout String) {
            var names: [String] = []
            switch service.areas {
            case .none: return
            case .counties(let counties): names = counties.map { DirectoryGenerator.places[$0].countyName }
            case .zips(let zips): names = zips
            case .statewide: names = [p.stateName]
            case .allAreas: names = ["All Areas"]
            }
            out += ",\"service_areas\":["
            for (k, name) in names.enumerated() {
                if k > 0 { out += "," }
                out += "{\"name\":"
                Self.string(name, &out)
                out += "}"
            }
            out += "]"
        }

        private func writeLocation(_ site: Site, place p: Place, asStrings: Bool, _ out: inout String) {
            var latitude = DirectoryGenerator.degrees(site.latitude)
            var longitude = DirectoryGenerator.degrees(site.longitude)
            if site.badLatitudeHSDS {
                if site.index % 2 == 0 {
                    latitude = "100"
                } else {
                    // Swapped coordinates: the longitude's value is no latitude.
                    swap(&latitude, &longitude)
                }
            }
            out += "{\"id\":\""
            out += site.id
            out += "\",\"name\":"
            Self.string(site.name, &out)
            out += ",\"location_type\":\"physical\",\"latitude\":"
            Self.number(latitude, asString: asStrings, &out)
            out += ",\"longitude\":"
            Self.number(longitude, asString: asStrings, &out)
            out += ",\"addresses\":[{\"address_1\":"
            Self.string(site.line1, &out)
            if let line2 = site.line2 {
                out += ",\"address_2\":"
                Self.string(line2, &out)
            }
            out += ",\"city\":"
            Self.string(p.city, &out)
            out += ",\"region\":"
            Self.string(p.countyName, &out)
            out += ",\"state_province\":\""
            out += p.state
            out += "\",\"postal_code\":\""
            out += site.zip
            out += "\",\"country\":\"US\",\"address_type\":\"physical\"}]}"
        }

        // MARK: JSON

        private static func number(_ digits: String, asString: Bool, _ out: inout String) {
            if asString { out += "\"" }
            out += digits
            if asString { out += "\"" }
        }

        private static let hex: [String] = (0..<32).map { n in
            let digits = Array("0123456789abcdef")
            return "\\u00" + String(digits[n >> 4]) + String(digits[n & 15])
        }

        /// Appends a JSON string literal, escaping quotes, backslashes and control characters.
        static func string(_ text: String, _ out: inout String) {
            out += "\""
            let utf8 = text.utf8
            guard utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else {
                out += text
                out += "\""
                return
            }
            var start = utf8.startIndex
            var i = start
            while i != utf8.endIndex {
                let b = utf8[i]
                let after = utf8.index(after: i)
                if b < 0x20 || b == 0x22 || b == 0x5C {
                    out += text[start..<i]
                    switch b {
                    case 0x22: out += "\\\""
                    case 0x5C: out += "\\\\"
                    case 0x0A: out += "\\n"
                    case 0x09: out += "\\t"
                    case 0x0D: out += "\\r"
                    default: out += hex[Int(b)]
                    }
                    start = after
                }
                i = after
            }
            out += text[start..<utf8.endIndex]
            out += "\""
        }
    }
}
