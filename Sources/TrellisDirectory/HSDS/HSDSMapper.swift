import TrellisCore

/// Turns HSDS JSON objects into organizations and services.
struct HSDSMapper {
    let taxonomy: TaxonomyMap
    let path: String
    /// Organizations seen so far in this file, so services that only name `organization_id` get a name.
    private var organizationNames: [String: String] = [:]
    /// Organization ids already warned about as missing from the file.
    private var missingOrganizations: Set<String> = []
    /// Records that were neither services nor organizations.
    private(set) var unknownRecords = 0
    /// What the first record that is HSDS but no service was (a taxonomy, a location, tabular data).
    private(set) var firstForeignKind: String?

    init(taxonomy: TaxonomyMap, path: String) {
        self.taxonomy = taxonomy
        self.path = path
    }

    /// One top-level record: a service, an organization (maybe with services), a service at a
    /// location, or something else.
    mutating func readRecord(_ value: JSONValue, line: Int, into sink: inout some DirectorySink, report: inout FileReport) {
        guard value.isObject else {
            report.reject(RecordIssue(line: line, message: "expected an object (a service or an organization)"))
            return
        }
        switch HSDSRecordKind(value) {
        case .organization:
            readOrganization(value, line: line, into: &sink, report: &report)
        case .service:
            readService(value, line: line, organization: nil, into: &sink, report: &report)
        case .serviceAtLocation:
            readServiceAtLocation(value, line: line, into: &sink, report: &report)
        case .notADirectoryRecord(let what):
            unknownRecords += 1
            if firstForeignKind == nil { firstForeignKind = what }
            report.reject(RecordIssue(line: line, message: "\(what); skipped"))
        case .unknown:
            unknownRecords += 1
            report.reject(RecordIssue(line: line, message: "neither an HSDS service nor an organization (no id, name or status)"))
        }
    }

    /// A `service_at_location` (HSDA's `/service_at_locations`): its service, at its location.
    mutating func readServiceAtLocation(_ value: JSONValue, line: Int, into sink: inout some DirectorySink, report: inout FileReport) {
        guard case .object(let members)? = value["service"] else { return }
        let here = JSONValue.object(value.objectMembers.filter { $0.key != "service" })
        // The last of duplicate keys wins, so the service's own places and this one go last.
        let service = JSONValue.object(members + [("service_at_locations", .array((value["service"]?["service_at_locations"]?.arrayValue ?? []) + [here]))])
        readService(service, line: line, organization: nil, into: &sink, report: &report)
    }

    mutating func readOrganization(_ value: JSONValue, line: Int, into sink: inout some DirectorySink, report: inout FileReport) {
        guard let org = organization(value, line: line, report: &report) else { return }
        add(org, into: &sink, report: &report)
        for service in value["services"]?.arrayValue ?? [] {
            // Nested services carry no line of their own; the organization's line is the closest.
            readService(service, line: line, organization: org, into: &sink, report: &report)
        }
    }

    private mutating func organization(_ value: JSONValue, line: Int, report: inout FileReport) -> Organization? {
        guard let id = HSDSField.text(value["id"]), let name = HSDSField.text(value["name"]) else {
            report.reject(RecordIssue(line: line, message: "organization without \"id\" or \"name\"", field: "organization"))
            return nil
        }
        return Organization(id: id, name: name, description: HSDSField.text(value["description"]).map { DescriptionText.clean($0).text },
                            url: HSDSField.text(value["website"]) ?? HSDSField.text(value["url"]),
                            email: HSDSField.text(value["email"]),
                            parentID: HSDSField.text(value["parent_organization_id"]))
    }

    /// Each organization goes to the sink once per file, however many services nest it.
    private mutating func add(_ org: Organization, into sink: inout some DirectorySink, report: inout FileReport) {
        guard organizationNames.updateValue(org.name, forKey: org.id) == nil else { return }
        sink.add(org)
        report.organizations += 1
    }

    mutating func readService(_ value: JSONValue, line: Int, organization parent: Organization?,
                              into sink: inout some DirectorySink, report: inout FileReport) {
        guard value.isObject else {
            report.reject(RecordIssue(line: line, message: "a service must be an object"))
            return
        }
        let id = HSDSField.text(value["id"])
        for (key, present) in [("id", id != nil), ("name", HSDSField.text(value["name"]) != nil), ("status", HSDSField.text(value["status"]) != nil)] where !present {
            report.reject(RecordIssue(line: line, message: "service without its required \"\(key)\"", recordKey: id, field: key))
            return
        }
        guard let id, let name = HSDSField.text(value["name"]), let rawStatus = HSDSField.text(value["status"]) else { return }
        let fields = HSDSField(line: line, recordKey: id)

        // Organization: the parent that nests us, a nested object, or an id we saw earlier.
        var organization = parent
        if organization == nil, let nested = value["organization"], nested.isObject,
           let org = self.organization(nested, line: line, report: &report) {
            organization = org
            add(org, into: &sink, report: &report)
        }
        let organizationID = organization?.id ?? HSDSField.text(value["organization_id"]) ?? "unknown"
        let organizationName = organization?.name ?? organizationNames[organizationID] ?? organizationID
        if organization == nil && organizationNames[organizationID] == nil && missingOrganizations.insert(organizationID).inserted {
            report.warn(RecordIssue(line: line, message: "organization \"\(organizationID)\" is not in this file; its id stands for its name", recordKey: id, field: "organization_id"))
        }

        // Taxonomy: codes first, then the term's name (Open Eligibility terms often come by name).
        var codes: [String] = []
        var mapping = TaxonomyMap.Mapping()
        var categories = Set<NeedCategory>()
        var anyTerm = false
        for term in fields.taxonomyTerms(value) {
            anyTerm = true
            let mapped = term.code.flatMap { taxonomy.entry(forCode: $0) != nil ? taxonomy.map(codes: [$0]) : nil }
                ?? term.name.flatMap { taxonomy.entry(forTerm: $0) != nil ? taxonomy.map(codes: [], terms: [$0]) : nil }
            if let code = term.code { codes.append(code) } else if let name = term.name { codes.append(name) }
            guard let mapped else {
                report.countUnmapped([term.code ?? term.name ?? "?"])
                continue
            }
            categories.formUnion(mapped.categories)
            mapping.attributes.merge(mapped.attributes)
            for problem in mapped.problems { report.warn(RecordIssue(line: line, message: problem, recordKey: id, field: "attributes")) }
        }
        guard anyTerm else {
            report.reject(RecordIssue(line: line, message: "service has no taxonomy code or term: nothing could ever match it", recordKey: id, field: "attributes"))
            return
        }

        let status: ServiceStatus
        if let s = ServiceStatus(rawValue: rawStatus.lowercased()) {
            status = s
        } else {
            status = .active
            report.warn(RecordIssue(line: line, message: "unknown status \"\(rawStatus)\"; taken as active", recordKey: id, field: "status"))
        }

        var description = HSDSField.text(value["description"])
        if let text = description {
            let cleaned = DescriptionText.clean(text)
            if cleaned.hadMarkup {
                report.warn(RecordIssue(line: line, message: "HTML markup in description was removed", recordKey: id, field: "description"))
            }
            description = cleaned.text
        }

        let service = Service(
            id: StableID.service(source: HSDSReader.source, key: id),
            name: name,
            description: description,
            organizationID: organizationID,
            organizationName: organizationName,
            status: status,
            availableForReferral: status == .active,
            taxonomyCodes: codes,
            categories: categories.sorted(),
            attributes: mapping.attributes,
            languages: fields.languages(value["languages"], report: &report),
            locations: fields.locations(value, report: &report),
            areasServed: fields.areas(value["service_areas"], report: &report),
            eligibility: fields.eligibility(value, report: &report),
            hours: value["schedules"]?.arrayValue.compactMap { HSDSField.text($0["description"]) }.first,
            fees: HSDSField.text(value["fees_description"]) ?? HSDSField.text(value["fees"]),
            capacity: fields.capacity(value["capacities"], report: &report),
            lastVerified: fields.day(value["assured_date"], field: "assured_date", report: &report)
                ?? fields.day(value["last_modified"], field: "last_modified", report: &report),
            phones: (value["phones"]?.arrayValue ?? []).compactMap { HSDSField.text($0["number"]) },
            url: HSDSField.text(value["url"]),
            email: HSDSField.text(value["email"]),
            applicationProcess: HSDSField.text(value["application_process"]),
            provenance: Provenance(format: .hsds, source: HSDSReader.source, file: path, recordKey: id, line: line),
            accessibility: fields.accessibility(value))
        _ = fields
        sink.add(service)
        report.services += 1
    }
}

extension ProgramAttributes {
    /// Adds what `other` sets; nothing is unset.
    mutating func merge(_ other: ProgramAttributes) {
        ips = ips || other.ips
        ipsFidelity = other.ipsFidelity ?? ipsFidelity
        housingFirst = housingFirst || other.housingFirst
        sobrietyRequired = sobrietyRequired || other.sobrietyRequired
        faithBased = faithBased || other.faithBased
        faithTradition = other.faithTradition ?? faithTradition
        peerRun = peerRun || other.peerRun
        traumaInformed = traumaInformed || other.traumaInformed
        telehealth = telehealth || other.telehealth
    }
}
