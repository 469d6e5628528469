/// Writing a service as the store keeps it: the very bytes `JSONEncoder` gives with `.sortedKeys` and
/// `.withoutEscapingSlashes` (held to it by a differential test), written directly. Encoding each
/// service twice through `JSONEncoder` (its document and its content fingerprint) was a third of
/// storing an import.
extension Service {
    /// The stored document. `placeBlanked` writes the provenance's file as "" and its line as 0: the
    /// service's content, the same wherever the record was read from (what its fingerprint hashes).
    public func storedJSON(placeBlanked: Bool = false) -> [UInt8] {
        var writer = JSONTextWriter(capacity: 2_048 + (description?.utf8.count ?? 0))
        write(to: &writer, placeBlanked: placeBlanked)
        return writer.bytes
    }

    func write(to w: inout JSONTextWriter, placeBlanked: Bool) {
        w.object { w in
            if let accessibility {
                w.key("accessibility")
                accessibility.write(to: &w)
            }
            if let applicationProcess { w.key("application_process"); w.value(applicationProcess) }
            w.key("areas_served")
            w.array { w in for area in areasServed { area.write(to: &w) } }
            w.key("attributes")
            attributes.write(to: &w)
            w.key("available_for_referral"); w.value(availableForReferral)
            if let capacity {
                w.key("capacity")
                capacity.write(to: &w)
            }
            w.key("categories")
            w.array { w in for category in categories { category.write(to: &w) } }
            if let description { w.key("description"); w.value(description) }
            w.key("eligibility")
            eligibility.write(to: &w)
            if let email { w.key("email"); w.value(email) }
            if let fees { w.key("fees"); w.value(fees) }
            if let hours { w.key("hours"); w.value(hours) }
            w.key("id"); w.value(id)
            w.key("languages"); w.strings(languages)
            if let lastVerified { w.key("last_verified"); w.value(lastVerified.description) }
            w.key("locations")
            w.array { w in for location in locations { location.write(to: &w) } }
            w.key("name"); w.value(name)
            w.key("organization_id"); w.value(organizationID)
            w.key("organization_name"); w.value(organizationName)
            w.key("phones"); w.strings(phones)
            w.key("provenance")
            provenance.write(to: &w, placeBlanked: placeBlanked)
            w.key("status"); w.value(status.rawValue)
            w.key("taxonomy_codes"); w.strings(taxonomyCodes)
            if let url { w.key("url"); w.value(url) }
        }
    }
}

extension JSONTextWriter {
    mutating func strings(_ values: [String]) {
        array { w in for value in values { w.value(value) } }
    }
}

extension ServiceAccessibility {
    func write(to w: inout JSONTextWriter) {
        w.object { w in
            w.key("lacks")
            w.array { w in for feature in lacks { w.value(feature.rawValue) } }
            w.key("offers")
            w.array { w in for feature in offers { w.value(feature.rawValue) } }
            if let statement { w.key("statement"); w.value(statement) }
        }
    }
}

extension ServiceArea {
    func write(to w: inout JSONTextWriter) {
        w.object { w in
            switch self {
            case .postalCode(let value):
                w.key("kind"); w.value("postal_code")
                w.key("value"); w.value(value)
            case .city(let value, let state):
                w.key("kind"); w.value("city")
                if let state { w.key("state"); w.value(state) }
                w.key("value"); w.value(value)
            case .county(let value, let state):
                w.key("kind"); w.value("county")
                if let state { w.key("state"); w.value(state) }
                w.key("value"); w.value(value)
            case .state(let value):
                w.key("kind"); w.value("state")
                w.key("value"); w.value(value)
            case .country(let value):
                w.key("kind"); w.value("country")
                w.key("value"); w.value(value)
            case .anywhere:
                w.key("kind"); w.value("anywhere")
            case .radius(let center, let kilometres):
                w.key("kilometres"); w.value(kilometres)
                w.key("kind"); w.value("radius")
                w.key("latitude"); w.value(center.latitude)
                w.key("longitude"); w.value(center.longitude)
            }
        }
    }
}

extension ProgramAttributes {
    func write(to w: inout JSONTextWriter) {
        w.object { w in
            w.key("faith_based"); w.value(faithBased)
            if let faithTradition { w.key("faith_tradition"); w.value(faithTradition) }
            w.key("housing_first"); w.value(housingFirst)
            w.key("ips"); w.value(ips)
            if let ipsFidelity { w.key("ips_fidelity"); w.value(ipsFidelity.rawValue) }
            w.key("peer_run"); w.value(peerRun)
            w.key("sobriety_required"); w.value(sobrietyRequired)
            w.key("telehealth"); w.value(telehealth)
            w.key("trauma_informed"); w.value(traumaInformed)
        }
    }
}

extension Capacity {
    func write(to w: inout JSONTextWriter) {
        w.object { w in
            if let available { w.key("available"); w.value(available) }
            if let maximum { w.key("maximum"); w.value(maximum) }
            if let updated { w.key("updated"); w.value(updated.description) }
            if let waitlist { w.key("waitlist"); w.value(waitlist) }
        }
    }
}

extension NeedCategory {
    func write(to w: inout JSONTextWriter) {
        w.object { w in
            if let detail { w.key("detail"); w.value(detail) }
            w.key("domain"); w.value(domain.rawValue)
        }
    }
}

extension Eligibility {
    func write(to w: inout JSONTextWriter) {
        w.object { w in
            w.key("genders")
            w.array { w in for gender in genders { w.value(gender.rawValue) } }
            if let maximumAge { w.key("maximum_age"); w.value(maximumAge) }
            if let minimumAge { w.key("minimum_age"); w.value(minimumAge) }
            if let monthlyIncomeLimit { w.key("monthly_income_limit"); w.value(monthlyIncomeLimit) }
            w.key("payment_accepted"); w.strings(paymentAccepted)
            w.key("requirements"); w.strings(requirements)
            if let residency { w.key("residency"); w.value(residency) }
        }
    }
}

extension Location {
    func write(to w: inout JSONTextWriter) {
        w.object { w in
            if let address {
                w.key("address")
                address.write(to: &w)
            }
            if let coordinate {
                w.key("coordinate")
                w.object { w in
                    w.key("latitude"); w.value(coordinate.latitude)
                    w.key("longitude"); w.value(coordinate.longitude)
                }
            }
            if let name { w.key("name"); w.value(name) }
        }
    }
}

extension Address {
    func write(to w: inout JSONTextWriter) {
        w.object { w in
            if let city { w.key("city"); w.value(city) }
            if let country { w.key("country"); w.value(country) }
            if let county { w.key("county"); w.value(county) }
            if let line1 { w.key("line_1"); w.value(line1) }
            if let line2 { w.key("line_2"); w.value(line2) }
            if let postalCode { w.key("postal_code"); w.value(postalCode) }
            if let state { w.key("state"); w.value(state) }
        }
    }
}

extension Provenance {
    func write(to w: inout JSONTextWriter, placeBlanked: Bool) {
        w.object { w in
            w.key("file"); w.value(placeBlanked ? "" : file)
            w.key("format"); w.value(format.rawValue)
            w.key("line"); w.value(placeBlanked ? 0 : line)
            w.key("record_key"); w.value(recordKey)
            w.key("source"); w.value(source)
        }
    }
}
