import TrellisCore

/// Maps one agency's expanded subtree to organizations and services.
struct AIRSContext {
    let path: String
    let source: String
    /// Codes and language fields repeat across a file's records: each is worked out once.
    var taxonomy: TaxonomyMap.Memo
    var languageFields: [String: (codes: [String], unknown: [String])] = [:]

    init(taxonomy: TaxonomyMap, path: String, source: String) {
        self.taxonomy = TaxonomyMap.Memo(taxonomy)
        self.path = path
        self.source = source
    }

    /// What a site lends to the services it holds.
    struct SiteInfo {
        var key: String?
        var location: Location?
        var languages: [String] = []
        var hours: String?
        var phones: [String] = []
        /// The site's `DisabilitiesAccess`, read as features present or absent.
        var accessibility: ServiceAccessibility?
    }

    struct AgencyInfo {
        var id: String
        var name: String
        var coordinate: Coordinate?
        var resourceInfo: XMLNode?
        var areas: [ServiceArea]?
        var url: String?
        var email: String?
    }

    mutating func readAgency(_ node: XMLNode, parentID: String?, depth: Int,
                             into sink: inout some DirectorySink, report: inout FileReport) {
        guard depth <= AIRSReader.maximumAgencyDepth else {
            report.reject(RecordIssue(line: node.line, message: "agencies nested deeper than \(AIRSReader.maximumAgencyDepth) levels; this agency and those inside it were skipped", field: "Agency"))
            return
        }
        let key = node.text(of: .key)
        let name = node.text(of: .name)
        guard key != nil || name != nil else {
            report.reject(RecordIssue(line: node.line, message: "Agency has neither a Name nor a Key; its sites and services were skipped", field: "Agency"))
            return
        }
        let id = key ?? "org-" + String(StableID.hash(source, "agency", name ?? ""), radix: 16)
        var agency = AgencyInfo(id: id, name: name ?? id)
        agency.url = node.child(.url)?.text(of: .address)
        agency.email = node.child(.email)?.text(of: .address)
        agency.resourceInfo = node.child(.resourceInfo)
        if let spatial = node.child(.spatialLocation) {
            agency.coordinate = coordinate(spatial, recordKey: id, report: &report)
            report.warn(RecordIssue(line: spatial.line, message: "SpatialLocation directly under Agency is not in the AIRS schema; used for sites that give no location", recordKey: id, field: "Agency/SpatialLocation"))
        }
        if let served = node.child(.geographicAreaServed) {
            agency.areas = areasServed([served], recordKey: id, report: &report)
        }
        if name == nil {
            report.warn(RecordIssue(line: node.line, message: "Agency has no Name; its key is shown instead", recordKey: id, field: "Agency/Name"))
        }

        var description = node.text(of: .agencyDescription)
        if let text = description {
            let cleaned = DescriptionText.clean(text)
            description = cleaned.text
        }
        sink.add(Organization(id: id, name: agency.name, description: description, url: agency.url,
                              email: agency.email, parentID: parentID))
        report.organizations += 1

        for child in node.children {
            if child.isNamed(.site) || child.isNamed(.agencyLocation) {
                readSite(child, agency: agency, into: &sink, report: &report)
            } else if child.isNamed(.agency) {
                readAgency(child, parentID: id, depth: depth + 1, into: &sink, report: &report)
            }
        }
    }

    mutating func readSite(_ node: XMLNode, agency: AgencyInfo, into sink: inout some DirectorySink,
                           report: inout FileReport) {
        var site = SiteInfo()
        site.key = node.text(of: .key)
        var coordinate: Coordinate? = nil
        if let spatial = node.child(.spatialLocation) {
            coordinate = self.coordinate(spatial, recordKey: site.key, report: &report)
        } else {
            coordinate = agency.coordinate
        }
        let address = node.child(.physicalAddress).map(address)
        if address != nil || coordinate != nil {
            site.location = Location(name: node.text(of: .name), address: address, coordinate: coordinate)
        }
        site.languages = languages(node.children(.languages), recordKey: site.key, report: &report)
        site.hours = node.child(.timeOpen).flatMap(hours)
        site.phones = phones(node.children(.phone))
        site.accessibility = node.text(of: .disabilitiesAccess).flatMap { AccessibilityText.read([$0]) }
        for child in node.children where child.isNamed(.siteService) {
            readService(child, site: site, agency: agency, into: &sink, report: &report)
        }
    }

    mutating func readService(_ node: XMLNode, site: SiteInfo, agency: AgencyInfo,
                              into sink: inout some DirectorySink, report: inout FileReport) {
        let line = node.line
        let name = node.text(of: .name)
        var key = node.text(of: .key)
        guard name != nil || key != nil else {
            report.reject(RecordIssue(line: line, message: "SiteService has neither a Name nor a Key: nothing identifies it", field: "SiteService"))
            return
        }
        if key == nil, let name {
            key = (site.key ?? agency.id) + "/" + name
            report.warn(RecordIssue(line: line, message: "SiteService has no Key; keyed as \"\(key ?? "")\" from its site and name", recordKey: key, field: "SiteService/Key"))
        }
        let recordKey = key ?? ""
        let codes = node.children(.taxonomy).flatMap { $0.children(.code).compactMap(\.text) }
        guard !codes.isEmpty else {
            report.reject(RecordIssue(line: line, message: "SiteService has no Taxonomy/Code: nothing could ever match it", recordKey: recordKey, field: "SiteService/Taxonomy"))
            return
        }
        for code in codes where code.hasPrefix("{") {
            report.warn(RecordIssue(line: line, message: "facet string \(code) in Taxonomy/Code is not a taxonomy code; counted as unmapped", recordKey: recordKey, field: "SiteService/Taxonomy/Code"))
        }
        let mapping = taxonomy.map(codes: codes)
        report.countUnmapped(mapping.unmappedCodes)
        for problem in mapping.problems {
            report.warn(RecordIssue(line: line, message: problem, recordKey: recordKey, field: "SiteService/Taxonomy/Code"))
        }

        var description = node.text(of: .description)
        if let text = description {
            let cleaned = DescriptionText.clean(text)
            if cleaned.hadMarkup {
                report.warn(RecordIssue(line: line, message: "HTML markup (escaped) in Description was removed", recordKey: recordKey, field: "SiteService/Description"))
            }
            description = cleaned.text
        }
        for quirk in [AIRSElement.aka, .url, .email] where node.child(quirk) != nil {
            report.warn(RecordIssue(line: line, message: "\(quirk.tag) inside SiteService is not in the AIRS schema; tolerated", recordKey: recordKey, field: "SiteService/\(quirk.tag)"))
        }

        var languages = languages(node.children(.languages), recordKey: recordKey, report: &report)
        if languages.isEmpty { languages = site.languages }
        var phones = phones(node.children(.phone))
        if phones.isEmpty { phones = site.phones }
        if node.children(.phone).contains(where: { $0.child(.phoneNumber) != nil && $0.text(of: .phoneNumber) == nil }) {
            report.warn(RecordIssue(line: line, message: "empty PhoneNumber ignored", recordKey: recordKey, field: "SiteService/Phone/PhoneNumber"))
        }

        let resourceInfo = node.child(.resourceInfo) ?? agency.resourceInfo
        var availableForReferral = true
        var lastVerified: CalendarDay? = nil
        if let info = resourceInfo {
            if let flag = info.attribute("AvailableForReferral") { availableForReferral = Self.bool(flag) ?? true }
            if let date = info.attribute("DateLastVerified") {
                lastVerified = CalendarDay(iso: date)
                if lastVerified == nil {
                    report.warn(RecordIssue(line: info.line, message: "DateLastVerified \"\(date)\" is not a date (YYYY-MM-DD)", recordKey: recordKey, field: "ResourceInfo/@DateLastVerified"))
                }
            }
        }

        var status = ServiceStatus.active
        if let raw = node.attribute("Status") {
            if let s = ServiceStatus(rawValue: raw.lowercased()) {
                status = s
            } else {
                report.warn(RecordIssue(line: line, message: "unknown Status \"\(raw)\"; taken as active", recordKey: recordKey, field: "SiteService/@Status"))
            }
        }
        if node.attribute("delete").flatMap(Self.bool) == true { status = .inactive }

        let eligibility = eligibility(node, recordKey: recordKey, report: &report)
        var areas = areasServed(node.children(.geographicAreaServed), recordKey: recordKey, report: &report)
        if areas.isEmpty, let agencyAreas = agency.areas { areas = agencyAreas }

        let service = Service(
            id: StableID.service(source: source, key: recordKey),
            name: name ?? recordKey,
            description: description,
            organizationID: agency.id,
            organizationName: agency.name,
            status: status,
            availableForReferral: availableForReferral,
            taxonomyCodes: codes,
            categories: mapping.categories,
            attributes: mapping.attributes,
            languages: languages,
            locations: site.location.map { [$0] } ?? [],
            areasServed: areas,
            eligibility: eligibility,
            hours: node.child(.timeOpen).flatMap(hours) ?? site.hours,
            fees: node.text(of: .feeStructure),
            capacity: nil,
            lastVerified: lastVerified,
            phones: phones,
            url: node.child(.url)?.text(of: .address) ?? agency.url,
            email: node.child(.email)?.text(of: .address) ?? agency.email,
            applicationProcess: applicationProcess(node),
            provenance: Provenance(format: .airs, source: source, file: path, recordKey: recordKey, line: line),
            accessibility: site.accessibility)
        sink.add(service)
        report.services += 1
    }
}
