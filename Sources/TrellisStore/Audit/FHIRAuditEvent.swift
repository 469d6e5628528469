import Foundation
import TrellisCore

/// An audit record as a FHIR R4 AuditEvent resource, with its place in the chain (sequence and hash)
/// carried as entity details so an exported trail can be checked against the database.
public enum FHIRAuditEvent {
    public static func resource(_ record: SealedAuditRecord) -> [String: Any] {
        let event = record.event
        var entityDetail: [[String: Any]] = [
            ["type": "trellis-sequence", "valueString": String(event.sequence)],
            ["type": "trellis-hash", "valueBase64Binary": record.hash.base64EncodedString()],
        ]
        if let detail = event.detail { entityDetail.insert(["type": "detail", "valueString": detail], at: 0) }
        var agent: [String: Any] = [
            "who": ["identifier": ["system": "urn:trellis:actor", "value": event.actor]],
            "requestor": true,
        ]
        if let address = event.sourceAddress { agent["network"] = ["address": address, "type": "2"] }
        var resource: [String: Any] = [
            "resourceType": "AuditEvent",
            "id": "audit-\(event.sequence)",
            "type": type(of: event),
            "action": event.action.rawValue,
            "recorded": AuditCanonicalForm.timestamp(event.at),
            "outcome": outcome(event.outcome),
            "agent": [agent],
            "source": [
                "observer": ["display": "Trellis"],
                "type": [["system": "http://terminology.hl7.org/CodeSystem/security-source-type", "code": "4", "display": "Application Server"]],
            ],
            "entity": [[
                "what": ["identifier": ["system": "urn:trellis:\(event.entity)", "value": event.entityID]],
                "type": event.entity == "person"
                    ? ["system": "http://terminology.hl7.org/CodeSystem/audit-entity-type", "code": "1", "display": "Person"]
                    : ["system": "http://terminology.hl7.org/CodeSystem/audit-entity-type", "code": "2", "display": "System Object"],
                "description": event.entity,
                "detail": entityDetail,
            ]],
        ]
        if event.outcome != .success { resource["outcomeDesc"] = event.outcome.rawValue }
        if let purpose = event.purpose { resource["purposeOfEvent"] = [purposeOfEvent(purpose)] }
        return resource
    }

    /// One JSON line, keys sorted.
    public static func jsonLine(_ record: SealedAuditRecord) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: resource(record), options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    private static func type(of event: AuditEvent) -> [String: String] {
        let dicom = "http://dicom.nema.org/resources/ontology/DCM"
        switch (event.entity, event.action) {
        case ("session", _): return ["system": dicom, "code": "110114", "display": "User Authentication"]
        case ("directory", _): return ["system": dicom, "code": "110107", "display": "Import"]
        case (_, .execute): return ["system": dicom, "code": "110106", "display": "Export"]
        case ("referral", _), ("person", _), ("consent", _): return ["system": dicom, "code": "110110", "display": "Patient Record"]
        default: return ["system": dicom, "code": "110100", "display": "Application Activity"]
        }
    }

    /// FHIR R4 AuditEvent.outcome: 0 success, 4 minor failure (a refusal), 8 serious failure.
    private static func outcome(_ outcome: AuditEvent.Outcome) -> String {
        switch outcome {
        case .success: "0"
        case .denied: "4"
        case .failure: "8"
        }
    }

    private static func purposeOfEvent(_ purpose: String) -> [String: Any] {
        let codes = ["treatment": ("TREAT", "treatment"), "coordination": ("CAREMGT", "care management"),
                     "operations": ("HOPERAT", "healthcare operations"), "security": ("HSYSADMIN", "health system administration")]
        guard let (code, display) = codes[purpose] else { return ["text": purpose] }
        return ["coding": [["system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": code, "display": display]], "text": purpose]
    }
}
