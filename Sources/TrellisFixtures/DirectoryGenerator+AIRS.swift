/// AIRS XML 3.0 output: no namespace, pretty-printed one element per line (the reader reports line
/// numbers), with the iCarol and 211 quirks of real exports at the rates in ``DirectoryGenerator/Rates``.
extension DirectoryGenerator {
    struct AIRSWriter: DirectoryGeneratorWriter {
        let seed: UInt64
        /// The current site's indentation depth.
        private var siteDepth = 1
        /// Description text before escaping, reused.
        private var scratch = ""

        init(seed: UInt64) {
            self.seed = seed
            scratch.reserveCapacity(8 * 1024)
        }

        mutating func begin(into out: inout String) {
            out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            out += "<Source SourceEntity=\"Trellis Synthetic Directory seed " + String(seed)
                + "\" OriginTimestamp=\"2026-11-01T00:00:00Z\" SoftwareVendor=\"Trellis\""
                + " SoftwareVersion=\"DirectoryGenerator 1\" TaxonomyVersion=\"2026-07-01T00:00:00Z\" SchemaVersion=\"3.0\">\n"
        }

        mutating func end(into out: inout String) {
            out += "</Source>\n"
        }

        mutating func write(_ event: Event, into out: inout String) {
            switch event {
            case .agencyStart(let agency): writeAgencyStart(agency, &out)
            case .siteStart(let site, let agency): writeSiteStart(site, agency: agency, &out)
            case .service(let service, let site, let agency): writeService(service, site: site, agency: agency, &out)
            case .siteEnd(let site): writeSiteEnd(site, &out)
            case .agencySitesEnd(let agency): writeAgencyResourceInfo(agency, &out)
            case .agencyEnd(let agency): Self.close(agency.depth, "Agency", &out)
            }
        }

        // MARK: Agency

        private func writeAgencyStart(_ agency: Agency, _ out: inout String) {
            let d = agency.depth
            out += Self.indent(d)
            out += "<Agency RecordOwner=\"TRELLIS\" ExcludeFromWebsite=\"false\" ExcludeFromDirectory=\"false\">\n"
            Self.leaf(d + 1, "Key", agency.key, &out)
            Self.leaf(d + 1, "Name", agency.name, &out)
            if agency.hasDescription { Self.leaf(d + 1, "AgencyDescription", agency.description, &out) }
            Self.phone(d + 1, agency.phone, description: "Main Phone", tollFree: false, &out)
            if agency.hasWebsite {
                Self.open(d + 1, "URL", &out)
                Self.leaf(d + 2, "Address", agency.url, &out)
                Self.close(d + 1, "URL", &out)
            }
            Self.open(d + 1, "Email", &out)
            Self.leaf(d + 2, "Address", agency.email, &out)
            Self.close(d + 1, "Email", &out)
            let government = agency.name.hasSuffix("Authority") || agency.name.contains("County Behavioral Health")
            Self.leaf(d + 1, "IRSStatus", government ? "Government" : "501(c)(3)", &out)
        }

        private func writeAgencyResourceInfo(_ agency: Agency, _ out: inout String) {
            let d = agency.depth + 1
            Self.resourceInfo(d, added: agency.added, verified: agency.verified, referral: true,
                              specialist: DirectoryGenerator.specialists[agency.index % DirectoryGenerator.specialists.count], &out)
        }

        // MARK: Site

        private mutating func writeSiteStart(_ site: Site, agency: Agency, _ out: inout String) {
            let d = agency.depth + 1
            siteDepth = d
            let p = DirectoryGenerator.places[site.place]
            Self.open(d, "Site", attributes: " ExcludeFromWebsite=\"false\" ExcludeFromDirectory=\"false\"", &out)
            Self.leaf(d + 1, "Key", site.key, &out)
            Self.leaf(d + 1, "Name", site.name, &out)
            Self.leaf(d + 1, "SiteDescription", "Location of " + agency.name + " in " + p.city + ", " + p.state + ".", &out)
            Self.open(d + 1, "PhysicalAddress", attributes: " Confidential=\"false\"", &out)
            Self.leaf(d + 2, "Line1", site.line1, &out)
            if let line2 = site.line2 { Self.leaf(d + 2, "Line2", line2, &out) }
            Self.leaf(d + 2, "City", p.city, &out)
            Self.leaf(d + 2, "County", site.upperCaseCounty ? p.county.uppercased() : p.county, &out)
            Self.leaf(d + 2, "State", p.state, &out)
            Self.leaf(d + 2, "ZipCode", site.zip, &out)
            Self.leaf(d + 2, "Country", "US", &out)
            Self.close(d + 1, "PhysicalAddress", &out)
            Self.phone(d + 1, site.phone, description: "Main Phone", tollFree: false, &out)
            Self.open(d + 1, "TimeOpen", &out)
            Self.leaf(d + 2, "Notes", site.hours, &out)
            Self.close(d + 1, "TimeOpen", &out)
            Self.open(d + 1, "Languages", &out)
            for name in DirectoryGenerator.languageNames(site.languages, useAltNames: site.index % 4 == 0) {
                Self.leaf(d + 2, "Name", name, &out)
            }
            Self.close(d + 1, "Languages", &out)
            Self.leaf(d + 1, "DisabilitiesAccess", site.accessibility, &out)
        }

        private func writeSiteEnd(_ site: Site, _ out: inout String) {
            let d = siteDepth
            Self.open(d + 1, "SpatialLocation", &out)
            switch site.coordinateQuirk {
            case .datumOnly:
                Self.leaf(d + 2, "Datum", DirectoryGenerator.degrees(site.latitude) + ", " + DirectoryGenerator.degrees(site.longitude), &out)
            case .latitude100:
                Self.leaf(d + 2, "Datum", "WGS84", &out)
                Self.leaf(d + 2, "Latitude", "100", &out)
                Self.leaf(d + 2, "Longitude", DirectoryGenerator.degrees(site.longitude), &out)
            case .none:
                Self.leaf(d + 2, "Datum", "WGS84", &out)
                Self.leaf(d + 2, "Latitude", DirectoryGenerator.degrees(site.latitude), &out)
                Self.leaf(d + 2, "Longitude", DirectoryGenerator.degrees(site.longitude), &out)
            }
            Self.close(d + 1, "SpatialLocation", &out)
            Self.close(d, "Site", &out)
        }

        // MARK: SiteService

        private mutating func writeService(_ service: Service, site: Site, agency: Agency, _ out: inout String) {
            let d = siteDepth + 1
            let e = d + 1
            Self.open(d, "SiteService", attributes: service.inactive ? " Status=\"inactive\"" : "", &out)
            Self.leaf(e, "Name", service.name, &out)
            Self.leaf(e, "Key", service.key, &out)
            if service.iCarolExtras { Self.writeAKA(service, depth: e, &out) }

            scratch.removeAll(keepingCapacity: true)
            DirectoryGenerator.appendDescription(of: service, site: site, agency: agency, markup: service.htmlMarkup, to: &scratch)
            Self.leaf(e, "Description", scratch, &out)

            Self.writePhones(service, depth: e, &out)
            Self.writeTimeOpen(service, depth: e, &out)
            if !service.broken { Self.writeTaxonomy(service, depth: e, &out) }
            if service.writesOwnLanguages { Self.writeLanguages(service, depth: e, &out) }
            writeAreas(service, site: site, place: DirectoryGenerator.places[site.place], depth: e, &out)
            Self.writeIntake(service, depth: e, &out)
            Self.writeRequirements(service, depth: e, &out)
            if service.iCarolExtras { Self.writeContacts(service, agency: agency, depth: e, &out) }
            Self.close(d, "SiteService", &out)
        }

        /// iCarol's AKA inside a SiteService.
        private static func writeAKA(_ service: Service, depth e: Int, _ out: inout String) {
            open(e, "AKA", &out)
            leaf(e + 1, "Name", DirectoryGenerator.kinds[service.kind].names[0], &out)
            leaf(e + 1, "Confidential", "false", &out)
            empty(e + 1, "Description", &out)
            close(e, "AKA", &out)
        }

        private static func writePhones(_ service: Service, depth e: Int, _ out: inout String) {
            phone(e, service.phone, description: "Intake", tollFree: false, &out)
            if let tollFree = service.tollFree {
                phone(e, tollFree, description: tollFree == "988" ? "988 Suicide & Crisis Lifeline" : "Toll-free",
                      tollFree: true, &out)
            }
            if service.emptyPhone {
                open(e, "Phone", attributes: " TollFree=\"false\" Confidential=\"false\"", &out)
                empty(e + 1, "PhoneNumber", &out)
                leaf(e + 1, "Type", "After Hours", &out)
                close(e, "Phone", &out)
            }
        }

        private static func writeTimeOpen(_ service: Service, depth e: Int, _ out: inout String) {
            open(e, "TimeOpen", &out)
            if let hours = service.dayHours {
                for day in DirectoryGenerator.weekdays {
                    open(e + 1, day, &out)
                    leaf(e + 2, "From", hours.from + ":00.000", &out)
                    leaf(e + 2, "To", hours.to + ":00.000", &out)
                    close(e + 1, day, &out)
                }
            }
            leaf(e + 1, "Notes", service.hours, &out)
            close(e, "TimeOpen", &out)
        }

        private static func writeTaxonomy(_ service: Service, depth e: Int, _ out: inout String) {
            for term in service.terms {
                open(e, "Taxonomy", &out)
                leaf(e + 1, "Code", term.code, &out)
                close(e, "Taxonomy", &out)
            }
            if let facet = service.facet {
                open(e, "Taxonomy", &out)
                leaf(e + 1, "Code", facet, &out)
                close(e, "Taxonomy", &out)
            }
        }

        private static func writeLanguages(_ service: Service, depth e: Int, _ out: inout String) {
            let names = DirectoryGenerator.languageNames(service.languages, useAltNames: service.index % 5 == 0)
            open(e, "Languages", &out)
            if service.joinedLanguages {
                leaf(e + 1, "Name", names.joined(separator: ", "), &out)
            } else {
                for name in names { leaf(e + 1, "Name", name, &out) }
            }
            close(e, "Languages", &out)
        }

        /// ResourceInfo, documents, application process, fees and payment.
        private static func writeIntake(_ service: Service, depth e: Int, _ out: inout String) {
            resourceInfo(e, added: service.added, verified: service.verified, referral: service.availableForReferral,
                         specialist: DirectoryGenerator.specialists[service.index % DirectoryGenerator.specialists.count], &out)
            for document in service.documents {
                open(e, "DocumentsRequired", &out)
                leaf(e + 1, "DocumentsRequired", document, &out)
                close(e, "DocumentsRequired", &out)
            }
            open(e, "ApplicationProcess", &out)
            leaf(e + 1, "Step", "Intake", &out)
            leaf(e + 1, "Description", service.applicationProcess, &out)
            close(e, "ApplicationProcess", &out)
            leaf(e, "FeeStructure", service.fees, &out)
            for method in service.payments { leaf(e, "PaymentMethodAccepted", method, &out) }
        }

        private static func writeRequirements(_ service: Service, depth e: Int, _ out: inout String) {
            if let other = service.otherRequirement { leaf(e, "OtherRequirements", other, &out) }
            if let text = service.ageText {
                var attributes = ""
                if let gender = service.gender { attributes += " Gender=\"" + gender + "\"" }
                if let min = service.minimumAge { attributes += " MinimumAge=\"" + String(min) + "\"" }
                if let max = service.maximumAge { attributes += " MaximumAge=\"" + String(max) + "\"" }
                out += indent(e)
                out += "<AgeRequirements" + attributes + ">"
                appendEscaped(text, to: &out)
                out += "</AgeRequirements>\n"
            }
            if let gender = service.gender { leaf(e, "GenderRequirements", gender, &out) }
            if let income = service.income { leaf(e, "IncomeRequirements", income, &out) }
            if let residency = service.residency { leaf(e, "ResidencyRequirements", residency, &out) }
        }

        /// iCarol's URL and Email inside a SiteService.
        private static func writeContacts(_ service: Service, agency: Agency, depth e: Int, _ out: inout String) {
            open(e, "URL", &out)
            leaf(e + 1, "Address", service.url ?? agency.url, &out)
            empty(e + 1, "Note", &out)
            close(e, "URL", &out)
            open(e, "Email", &out)
            leaf(e + 1, "Address", service.email ?? agency.email, &out)
            close(e, "Email", &out)
        }

        private func writeAreas(_ service: Service, site: Site, place p: Place, depth e: Int, _ out: inout String) {
            switch service.areas {
            case .none:
                return
            case .counties(let counties):
                Self.open(e, "GeographicAreaServed", &out)
                if service.descriptionSeed & 1 == 0 {
                    for county in counties {
                        let name = DirectoryGenerator.places[county].county
                        Self.leaf(e + 1, "County", site.upperCaseCounty ? name.uppercased() : name, &out)
                    }
                    Self.leaf(e + 1, "State", p.state, &out)
                    Self.leaf(e + 1, "Country", "US", &out)
                } else {
                    Self.leaf(e + 1, "State", p.state, &out)
                    let names = counties.map { DirectoryGenerator.places[$0].countyName }
                    Self.leaf(e + 1, "Description", names.joined(separator: ", "), &out)
                }
                Self.close(e, "GeographicAreaServed", &out)
            case .zips(let zips):
                Self.open(e, "GeographicAreaServed", &out)
                for zip in zips { Self.leaf(e + 1, "ZipCode", zip, &out) }
                Self.leaf(e + 1, "State", p.state, &out)
                Self.close(e, "GeographicAreaServed", &out)
            case .statewide:
                Self.open(e, "GeographicAreaServed", &out)
                Self.leaf(e + 1, "State", p.state, &out)
                Self.leaf(e + 1, "Description", "Statewide", &out)
                Self.close(e, "GeographicAreaServed", &out)
            case .allAreas:
                Self.open(e, "GeographicAreaServed", &out)
                Self.leaf(e + 1, "Description", "All Areas", &out)
                Self.close(e, "GeographicAreaServed", &out)
            }
        }

        // MARK: Elements

        private static let indents: [String] = (0..<24).map { String(repeating: "  ", count: $0) }

        static func indent(_ depth: Int) -> String { indents[min(max(depth, 0), indents.count - 1)] }

        static func open(_ depth: Int, _ name: String, attributes: String = "", _ out: inout String) {
            out += indent(depth)
            out += "<"
            out += name
            out += attributes
            out += ">\n"
        }

        static func close(_ depth: Int, _ name: String, _ out: inout String) {
            out += indent(depth)
            out += "</"
            out += name
            out += ">\n"
        }

        static func empty(_ depth: Int, _ name: String, _ out: inout String) {
            out += indent(depth)
            out += "<"
            out += name
            out += " />\n"
        }

        /// `<name>text</name>` on one line, the text escaped.
        static func leaf(_ depth: Int, _ name: String, _ text: String, _ out: inout String) {
            out += indent(depth)
            out += "<"
            out += name
            out += ">"
            appendEscaped(text, to: &out)
            out += "</"
            out += name
            out += ">\n"
        }

        static func phone(_ depth: Int, _ number: String, description: String, tollFree: Bool, _ out: inout String) {
            open(depth, "Phone", attributes: tollFree ? " TollFree=\"true\" Confidential=\"false\"" : " TollFree=\"false\" Confidential=\"false\"", &out)
            leaf(depth + 1, "PhoneNumber", number, &out)
            leaf(depth + 1, "Description", description, &out)
            close(depth, "Phone", &out)
        }

        static func resourceInfo(_ depth: Int, added: Day, verified: Day, referral: Bool, specialist: String, _ out: inout String) {
            let verifiedISO = verified.iso
            out += indent(depth)
            out += "<ResourceInfo AvailableForDirectory=\"true\" AvailableForReferral=\""
            out += referral ? "true" : "false"
            out += "\" AvailableForResearch=\"true\" DateAdded=\""
            out += added.iso
            out += "\" DateLastVerified=\""
            out += verifiedISO
            out += "\" DateOfLastAction=\""
            out += verifiedISO
            out += "\">\n"
            leaf(depth + 1, "ResourceSpecialist", specialist, &out)
            close(depth, "ResourceInfo", &out)
        }

        /// Appends text escaped for XML content and attribute values (`&`, `<`, `>`, `"`).
        static func appendEscaped(_ text: String, to out: inout String) {
            let utf8 = text.utf8
            guard utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 }) else {
                out += text
                return
            }
            var start = utf8.startIndex
            var i = start
            while i != utf8.endIndex {
                let replacement: String?
                switch utf8[i] {
                case 0x26: replacement = "&amp;"
                case 0x3C: replacement = "&lt;"
                case 0x3E: replacement = "&gt;"
                case 0x22: replacement = "&quot;"
                default: replacement = nil
                }
                let after = utf8.index(after: i)
                if let replacement {
                    out += text[start..<i]
                    out += replacement
                    start = after
                }
                i = after
            }
            out += text[start..<utf8.endIndex]
        }
    }
}
