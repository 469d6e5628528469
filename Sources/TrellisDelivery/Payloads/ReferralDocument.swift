public import Foundation
import TrellisCore

/// Trellis's own referral document (`schemas/referral.schema.json`), for partners that do not speak
/// FHIR. Rendered from a `ReferralDisclosure`, so it carries only what the consent allows.
public enum ReferralDocument {
    public static let schemaVersion = "trellis-referral/1"

    public static func render(_ d: ReferralDisclosure) throws -> Data {
        var person: [String: Any] = ["ref": d.personRef]
        if let contact = d.contact {
            person["name"] = contact.name
            person["phone"] = contact.phone
            person["email"] = contact.email
        }
        if let demographics = d.demographics {
            person["age"] = demographics.age
            person["gender"] = demographics.gender?.rawValue
            person["languages"] = demographics.languages
            person["interpreter_needed"] = demographics.interpreterNeeded
            person["city"] = demographics.city
            person["county"] = demographics.county
            person["state"] = demographics.state
            person["postal_code"] = demographics.postalCode
        }
        var document: [String: Any] = [
            "schema": schemaVersion,
            "referral_id": d.referralID,
            "requested_at": d.requestedAt.formatted(.iso8601),
            "requester": d.requester,
            "service": ["id": d.serviceID, "name": d.serviceName],
            "organization": ["id": d.organizationID, "name": d.organizationName],
            "partner_id": d.partnerID,
            "need_domains": d.needDomains.map(\.rawValue),
            "person": person,
            "consent": consent(d),
        ]
        if let needs = d.needs {
            document["needs"] = needs.needs.map(needItem)
            var preferences: [String: Any] = ["telehealth_ok": needs.telehealthOK, "peer_run_preferred": needs.peerRunPreferred]
            preferences["provider_gender"] = needs.providerGender?.rawValue
            preferences["faith_tradition"] = needs.faithTradition
            preferences["notes"] = needs.notes
            if !needs.accessibility.isEmpty { preferences["accessibility"] = needs.accessibility.map(\.rawValue) }
            if needs.traumaInformed { preferences["trauma_informed"] = true }
            document["preferences"] = preferences
        }
        if let c = d.circumstances {
            var circumstances: [String: Any] = [
                "chronically_homeless": c.chronicallyHomeless, "justice_involved": c.justiceInvolved,
                "serious_mental_illness": c.seriousMentalIllness, "disability": c.disability, "insurance": c.insurance,
            ]
            circumstances["veteran"] = c.veteran
            circumstances["household_size"] = c.householdSize
            circumstances["monthly_income"] = c.monthlyIncome
            document["circumstances"] = circumstances
        }
        if let note = d.clinicalNotes { document["clinical_notes"] = note }
        if let substanceUse = d.substanceUse {
            var part2: [String: Any] = ["active_substance_use": substanceUse.activeSubstanceUse, "redisclosure_notice": ReferralDisclosure.part2Notice]
            if !substanceUse.needs.isEmpty { part2["needs"] = substanceUse.needs.map(needItem) }
            document["substance_use"] = part2
            document["security_labels"] = securityLabels
        }
        return try PayloadJSON.data(document)
    }

    /// The HL7 codes the FHIR Bundle carries as its security labels: restricted (v3-Confidentiality),
    /// 42CFRPart2 and NORDSCLCD (v3-ActCode).
    static let securityLabels = ["R", "42CFRPart2", "NORDSCLCD"]

    static func needItem(_ need: NeedsProfile.Need) -> [String: Any] {
        var item: [String: Any] = ["domain": need.domain.rawValue, "urgency": need.urgency.rawValue]
        item["detail"] = need.detail
        item["notes"] = need.notes
        return item
    }

    static func consent(_ d: ReferralDisclosure) -> [String: Any] {
        var consent: [String: Any] = [
            "id": d.consentID, "recipient": d.consent.recipient, "categories": d.consent.categories.sorted().map(\.rawValue),
            "disclosed": d.categories.map(\.rawValue), "method": d.consent.method.rawValue,
            "captured_by": d.consent.capturedBy, "captured_at": d.consent.capturedAt.formatted(.iso8601),
        ]
        consent["expires_at"] = d.consent.expiresAt?.formatted(.iso8601)
        return consent
    }
}
