public import Foundation
public import TrellisCore
public import TrellisStore

/// The body of an outbound partner message, in the partner's format: Trellis's JSON
/// (`schemas/consent-revoked.schema.json`, `schemas/message.schema.json`) or FHIR R4 (the Consent with
/// `status: inactive`, a `Communication`). Only what the partner already holds is named (the referral,
/// the consent, the person's pseudonymous reference); a message's text goes out only as its author
/// marked it, and one carrying personal information only while the consent covers clinical notes.
public enum PartnerMessagePayload {
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The body and its content type, or a problem that means the message must not be sent.
    public static func render(_ claim: PartnerOutboundClaim, format: Partner.PayloadFormat, now: Date) throws -> (body: Data, contentType: String) {
        switch (claim.kind, format) {
        case (.consentRevoked, .json):
            return (try json(consentRevoked(claim)), "application/json")
        case (.consentRevoked, .fhirR4):
            return (try json(inactiveConsent(claim)), "application/fhir+json")
        case (.message, _):
            guard let message = claim.message else { throw Problem(description: "the message is no longer stored") }
            if message.containsPersonalInformation
                && !claim.consent.consent.allows(.clinicalNotes, to: claim.referral.organizationID, at: now) {
                throw Problem(description: "the consent no longer covers clinical notes: a message with personal information is not sent")
            }
            return format == .json ? (try json(messageDocument(message)), "application/json")
                : (try json(communication(message, organizationID: claim.referral.organizationID)), "application/fhir+json")
        }
    }

    /// `{"type": "consent.revoked", …}`.
    public static func consentRevoked(_ claim: PartnerOutboundClaim) -> [String: Any] {
        let consent = claim.consent.consent
        let at = consent.revokedAt ?? consent.expiresAt ?? claim.enqueuedAt
        return ["type": PartnerOutboundKind.consentRevoked.rawValue, "referral_id": claim.referral.id, "consent_id": claim.consent.id,
                "revoked_at": at.formatted(.iso8601), "reason": claim.reason ?? "revoked"]
    }

    /// The Consent sent in the referral's Bundle (same id and identifier), now `inactive`, its period ended.
    public static func inactiveConsent(_ claim: PartnerOutboundClaim) -> [String: Any] {
        let consent = claim.consent.consent
        let ended = consent.revokedAt ?? consent.expiresAt ?? claim.enqueuedAt
        let referralID = claim.referral.id
        return [
            "resourceType": "Consent",
            "id": FHIRReferralBundle.uuid(referralID, "Consent"),
            "identifier": [["system": "urn:trellis:consent", "value": claim.consent.id]],
            "status": "inactive",
            "scope": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"]]],
            "category": [["coding": [["system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"]]]],
            "patient": ["identifier": ["system": FHIRReferralBundle.personSystem, "value": claim.referral.personRef]],
            "dateTime": FHIRReferralBundle.timestamp(consent.capturedAt),
            "policyRule": ["coding": [["system": FHIRReferralBundle.actCode, "code": "OPTIN"]],
                           "text": claim.reason == "expired" ? "Expired on its date" : "Revoked by the person"] as [String: Any],
            "provision": [
                "type": "permit",
                "period": ["start": FHIRReferralBundle.timestamp(consent.capturedAt), "end": FHIRReferralBundle.timestamp(ended)],
                "actor": [["role": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "IRCP"]]],
                           "reference": ["identifier": ["system": FHIRReferralBundle.organizationSystem, "value": consent.recipient]]] as [String: Any]],
            ] as [String: Any],
        ]
    }

    /// `{"type": "message", …}`.
    public static func messageDocument(_ message: ReferralMessage) -> [String: Any] {
        ["type": PartnerOutboundKind.message.rawValue, "id": message.id, "referral_id": message.referralID, "from_party": message.fromParty.rawValue,
         "author": message.author, "text": message.text, "created_at": message.createdAt.formatted(.iso8601),
         "contains_personal_information": message.containsPersonalInformation]
    }

    /// A FHIR R4 Communication, part of the referral's Task and based on its ServiceRequest (both named
    /// by the referral's identifier, as the partner stored them).
    public static func communication(_ message: ReferralMessage, organizationID: String) -> [String: Any] {
        let referral: [String: Any] = ["system": FHIRReferralBundle.referralSystem, "value": message.referralID]
        return [
            "resourceType": "Communication",
            "id": FHIRReferralBundle.uuid(message.id, "Communication"),
            "identifier": [["system": "urn:trellis:message", "value": message.id]],
            "status": "completed",
            "basedOn": [["type": "ServiceRequest", "identifier": referral]],
            "partOf": [["type": "Task", "identifier": referral]],
            "sent": FHIRReferralBundle.timestamp(message.createdAt),
            "sender": ["type": "PractitionerRole", "identifier": ["system": FHIRReferralBundle.userSystem, "value": message.author]],
            "recipient": [["type": "Organization", "identifier": ["system": FHIRReferralBundle.organizationSystem, "value": organizationID]]],
            "payload": [["contentString": message.text]],
            "extension": [["url": PartnerMessagePayload.personalInformationExtension, "valueBoolean": message.containsPersonalInformation]],
        ]
    }

    /// A Communication's extension saying whether its text carries the person's information.
    public static let personalInformationExtension = "urn:trellis:contains-personal-information"

    static func json(_ object: [String: Any]) throws -> Data {
        try PayloadJSON.data(object)
    }
}
