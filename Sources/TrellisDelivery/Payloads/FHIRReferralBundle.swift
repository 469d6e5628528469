public import Foundation
import Crypto
import TrellisCore

/// A referral as the Gravity SDOH Clinical Care IG shapes one: a FHIR R4 transaction Bundle of a
/// ServiceRequest, the Task that asks the partner to fulfil it, the Patient (only what the consent
/// allows) and the Consent. Ids are derived from the referral, so every retry sends the same Bundle.
/// The same resources, addressed as a FHIR server serves them, answer the FHIR pull (`served`).
public enum FHIRReferralBundle {
    static let sdohCategories = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
    static let referralSystem = "urn:trellis:referral"
    static let personSystem = "urn:trellis:person"
    static let organizationSystem = "urn:trellis:organization"
    static let userSystem = "urn:trellis:user"
    static let needSystem = "urn:trellis:need"
    static let consentCategorySystem = "urn:trellis:consent-category"
    static let actCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
    static let confidentiality = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"

    /// The security labels of a payload carrying 42 CFR Part 2 information (HL7 DS4P): restricted
    /// confidentiality, the Part 2 privacy law, and no redisclosure without the person's consent.
    static var part2Labels: [[String: Any]] { [
        ["system": confidentiality, "code": "R", "display": "restricted"],
        ["system": actCode, "code": "42CFRPart2", "display": "42 CFR Part2"],
        ["system": actCode, "code": "NORDSCLCD", "display": "no redisclosure without consent directive"],
    ] }

    /// How the resources of one referral point at one another: inside a transaction Bundle by their
    /// `urn:uuid` full URLs (the push), or as a FHIR server serves them, by `Type/id` (the pull).
    public enum Addressing: Sendable { case transaction, served }

    /// The four resources of one referral, built from the disclosure and nothing else.
    public struct Resources {
        public var serviceRequest: [String: Any]
        public var task: [String: Any]
        public var patient: [String: Any]
        public var consent: [String: Any]
        /// Whether they carry 42 CFR Part 2 information (the ServiceRequest is labelled so).
        public var part2: Bool
    }

    /// A resource's id as the pull serves it: the referral's own id for its Task and ServiceRequest (what
    /// a partner answers and looks up by), a stable UUID for the Patient and the Consent.
    public static func servedID(_ resourceType: String, referralID: String) -> String {
        resourceType == "Task" || resourceType == "ServiceRequest" ? referralID : uuid(referralID, resourceType)
    }

    static func reference(_ resourceType: String, _ referralID: String, _ addressing: Addressing) -> String {
        switch addressing {
        case .transaction: "urn:uuid:\(uuid(referralID, resourceType))"
        case .served: "\(resourceType)/\(servedID(resourceType, referralID: referralID))"
        }
    }

    public static func render(_ d: ReferralDisclosure) throws -> Data {
        let r = resources(d, addressing: .transaction)
        let ids = (serviceRequest: uuid(d.referralID, "ServiceRequest"), task: uuid(d.referralID, "Task"),
                   patient: uuid(d.referralID, "Patient"), consent: uuid(d.referralID, "Consent"))
        let bundle: [String: Any] = [
            "resourceType": "Bundle",
            "id": uuid(d.referralID, "Bundle"),
            "meta": r.part2 ? ["tag": [["system": referralSystem, "code": "referral"]], "security": part2Labels] as [String: Any]
                : ["tag": [["system": referralSystem, "code": "referral"]]] as [String: Any],
            "type": "transaction",
            "timestamp": timestamp(d.requestedAt),
            "entry": [
                entry(ids.serviceRequest, r.serviceRequest),
                entry(ids.task, r.task),
                entry(ids.patient, r.patient),
                entry(ids.consent, r.consent),
            ],
        ]
        return try PayloadJSON.data(bundle)
    }

    /// The ServiceRequest, the Task, the Patient (only what the consent allows) and the Consent.
    public static func resources(_ d: ReferralDisclosure, addressing: Addressing) -> Resources {
        let patientRef: [String: Any] = ["reference": reference("Patient", d.referralID, addressing)]
        // A case worker acting for their organization (a PractitionerRole), and the agency (an Organization),
        // named by their Trellis ids: logical references, since Trellis serves neither resource.
        let requester: [String: Any] = ["type": "PractitionerRole", "identifier": ["system": userSystem, "value": d.requester],
                                        "display": "Case worker \(d.requester)"]
        let performer: [String: Any] = ["type": "Organization", "identifier": ["system": organizationSystem, "value": d.organizationID],
                                        "display": d.organizationName]
        let authored = timestamp(d.requestedAt)
        let part2 = d.substanceUse != nil

        var serviceRequest: [String: Any] = [
            "resourceType": "ServiceRequest",
            "identifier": [["system": referralSystem, "value": d.referralID]],
            "status": "active",
            "intent": "order",
            "category": d.needDomains.map { domain in
                ["coding": [["system": sdohCategories, "code": sdohCategory(domain)]], "text": domain.title] as [String: Any]
            },
            // SNOMED CT's "Patient referral" (a US Core procedure code), beside Trellis's need domains.
            "code": ["coding": [["system": "http://snomed.info/sct", "code": "3457005", "display": "Patient referral"],
                                ["system": needSystem, "code": d.needDomains.map(\.rawValue).joined(separator: "+")]],
                     "text": d.serviceNameWithheld ? d.serviceName : "Referral to \(d.serviceName)"] as [String: Any],
            "subject": patientRef,
            "authoredOn": authored,
            "requester": requester,
            "performer": [performer],
            "supportingInfo": [["reference": reference("Consent", d.referralID, addressing)]],
        ]
        var notes: [String] = []
        if let needs = d.needs {
            if let priority = needs.needs.map(\.urgency).max() { serviceRequest["priority"] = fhirPriority(priority) }
            notes.append("Needs: " + needs.needs.map(needText).joined(separator: "; "))
            var preferences: [String] = []
            if needs.telehealthOK { preferences.append("telehealth is fine") }
            if needs.peerRunPreferred { preferences.append("prefers a peer-run program") }
            if let gender = needs.providerGender { preferences.append("prefers a \(gender.rawValue.replacingOccurrences(of: "_", with: "-")) provider") }
            if let tradition = needs.faithTradition { preferences.append("faith tradition: \(tradition)") }
            if !needs.accessibility.isEmpty { preferences.append("needs " + needs.accessibility.map(\.title).joined(separator: ", ")) }
            if needs.traumaInformed { preferences.append("prefers trauma-informed care") }
            if !preferences.isEmpty { notes.append("Preferences: " + preferences.joined(separator: "; ")) }
            for need in needs.needs {
                if let text = need.notes { notes.append("Person's note on \(need.domain.title.lowercased()): \(text)") }
            }
            if let text = needs.notes { notes.append("Person's notes: \(text)") }
        }
        if let c = d.circumstances {
            var facts: [String] = []
            if c.chronicallyHomeless { facts.append("chronically homeless") }
            if c.justiceInvolved { facts.append("justice involved") }
            if c.seriousMentalIllness { facts.append("serious mental illness") }
            if c.disability { facts.append("disability") }
            if let veteran = c.veteran { facts.append(veteran ? "veteran" : "not a veteran") }
            if let size = c.householdSize { facts.append("household of \(size)") }
            if let income = c.monthlyIncome { facts.append("monthly income \(income)") }
            if !c.insurance.isEmpty { facts.append("insurance: " + c.insurance.joined(separator: ", ")) }
            notes.append("Circumstances: " + (facts.isEmpty ? "none recorded" : facts.joined(separator: "; ")))
        }
        if let note = d.clinicalNotes { notes.append("Case worker's note: \(note)") }
        if let substanceUse = d.substanceUse {
            var text = "Substance use: \(substanceUse.activeSubstanceUse ? "active substance use" : "no active substance use recorded")"
            if !substanceUse.needs.isEmpty { text += "; substance-use needs: " + substanceUse.needs.map(needText).joined(separator: "; ") }
            notes.append(text + ".")
            notes.append(ReferralDisclosure.part2Notice)
            serviceRequest["meta"] = ["security": part2Labels]
        }
        if !notes.isEmpty { serviceRequest["note"] = notes.map { ["text": $0] } }

        let task: [String: Any] = [
            "resourceType": "Task",
            "identifier": [["system": referralSystem, "value": d.referralID]],
            "status": "requested",
            "intent": "order",
            "code": ["coding": [["system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill",
                                 "display": "Fulfill the focal request"]]] as [String: Any],
            "focus": ["reference": reference("ServiceRequest", d.referralID, addressing)],
            "for": patientRef,
            "authoredOn": authored,
            "requester": requester,
            "owner": performer,
        ]

        return Resources(serviceRequest: serviceRequest, task: task, patient: patient(d), consent: consent(d, patient: patientRef), part2: part2)
    }

    /// "Clinical care, counseling, soon": the domain's title, the detail when there is one, the urgency.
    static func needText(_ need: NeedsProfile.Need) -> String {
        [need.domain.title, need.detail, need.urgency.rawValue].compactMap { $0 }.joined(separator: ", ")
    }

    static func patient(_ d: ReferralDisclosure) -> [String: Any] {
        var patient: [String: Any] = ["resourceType": "Patient", "identifier": [["system": personSystem, "value": d.personRef]]]
        if let contact = d.contact {
            if let name = contact.name { patient["name"] = [["text": name]] }
            var telecom: [[String: Any]] = []
            if let phone = contact.phone { telecom.append(["system": "phone", "value": phone]) }
            if let email = contact.email { telecom.append(["system": "email", "value": email]) }
            if !telecom.isEmpty { patient["telecom"] = telecom }
        }
        if let demographics = d.demographics {
            if let gender = demographics.gender {
                patient["gender"] = switch gender { case .female: "female"; case .male: "male"; case .nonBinary: "other" }
            }
            if !demographics.languages.isEmpty {
                patient["communication"] = demographics.languages.enumerated().map { index, language in
                    ["language": ["coding": [["system": "urn:ietf:bcp:47", "code": language]]], "preferred": index == 0] as [String: Any]
                }
            }
            var address: [String: Any] = [:]
            address["city"] = demographics.city
            address["district"] = demographics.county
            address["state"] = demographics.state
            address["postalCode"] = demographics.postalCode
            if !address.isEmpty { patient["address"] = [address] }
            var extensions: [[String: Any]] = []
            if let age = demographics.age {
                extensions.append(["url": "urn:trellis:fhir:age-years",
                                   "valueAge": ["value": age, "unit": "a", "system": "http://unitsofmeasure.org", "code": "a"] as [String: Any]])
            }
            if demographics.interpreterNeeded {
                extensions.append(["url": "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired", "valueBoolean": true])
            }
            if !extensions.isEmpty { patient["extension"] = extensions }
        }
        return patient
    }

    static func consent(_ d: ReferralDisclosure, patient: [String: Any]) -> [String: Any] {
        var period: [String: Any] = ["start": timestamp(d.consent.capturedAt)]
        if let expires = d.consent.expiresAt { period["end"] = timestamp(expires) }
        return [
            "resourceType": "Consent",
            "identifier": [["system": "urn:trellis:consent", "value": d.consentID]],
            "status": "active",
            "scope": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"]]],
            "category": [["coding": [["system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"]]]],
            "patient": patient,
            "dateTime": timestamp(d.consent.capturedAt),
            "policyRule": ["coding": [["system": actCode, "code": "OPTIN"]], "text": "Captured \(d.consent.method.rawValue) by \(d.consent.capturedBy)"] as [String: Any],
            "provision": [
                "type": "permit",
                "period": period,
                "actor": [["role": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "IRCP"]]],
                           "reference": ["identifier": ["system": organizationSystem, "value": d.consent.recipient]]] as [String: Any]],
                "class": d.consent.categories.sorted().map { ["system": consentCategorySystem, "code": $0.rawValue] },
            ] as [String: Any],
        ]
    }

    static func entry(_ id: String, _ resource: [String: Any]) -> [String: Any] {
        ["fullUrl": "urn:uuid:\(id)", "resource": resource, "request": ["method": "POST", "url": resource["resourceType"] ?? ""]]
    }

    /// A stable UUID for one resource of one referral.
    static func uuid(_ referralID: String, _ resource: String) -> String {
        var bytes = Array(SHA256.hash(data: Data("\(referralID)/\(resource)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50  // name-based
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15])).uuidString.lowercased()
    }

    static func sdohCategory(_ domain: NeedDomain) -> String {
        switch domain {
        case .housing: "housing-instability"
        case .employment: "employment-status"
        case .faith, .peerSupport, .familySupport: "social-connection"
        case .education: "educational-attainment"
        case .transportation: "transportation-insecurity"
        case .benefits: "financial-insecurity"
        case .clinical: "sdoh-category-unspecified"
        }
    }

    static func fhirPriority(_ urgency: NeedsProfile.Urgency) -> String {
        switch urgency {
        case .routine: "routine"
        case .soon: "urgent"
        case .urgent: "asap"
        case .crisis: "stat"
        }
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)  // 2026-11-20T15:04:00Z: a FHIR instant
    }
}
