import Foundation
import TrellisCore
import TrellisDelivery

/// A referral's disclosure as the inbox page shows it: the same value the API partner's document is
/// rendered from, so the page shows exactly what the consent allows and nothing else.
enum InboxDisclosureView {
    static func values(_ disclosure: ReferralDisclosure) -> [String: Any] {
        var values: [String: Any] = [
            "service": disclosure.serviceName, "organization": disclosure.organizationName, "requester": disclosure.requester,
            "person_ref": disclosure.personRef,
            "categories": disclosure.categories.map { WebController.categoryTitle($0) },
            "domains": disclosure.needDomains.map(\.rawValue).joined(separator: ", "),
        ]
        if let contact = disclosure.contact {
            values["contact"] = fields([("Name", contact.name), ("Phone", contact.phone), ("E-mail", contact.email)])
        }
        if let person = disclosure.demographics {
            values["demographics"] = fields([
                ("Age", person.age.map(String.init)), ("Gender", person.gender?.rawValue),
                ("Languages", person.languages.isEmpty ? nil : person.languages.joined(separator: ", ")),
                ("Interpreter needed", person.interpreterNeeded ? "yes" : nil),
                ("Where", [person.city, person.county.map { County($0, state: person.state).map { "\($0.name) County" } ?? $0 }, person.state, person.postalCode]
                    .compactMap { $0 }.joined(separator: ", ").nonBlank),
            ])
        }
        if let needs = disclosure.needs {
            if !needs.needs.isEmpty {
                values["needs"] = ["list": needs.needs.map { need in
                    var row: [String: Any] = ["domain": need.domain.rawValue, "urgency": need.urgency.rawValue]
                    row["detail"] = need.detail?.nonBlank  // absent, not blank: the template shows it only when given
                    return row
                }]
            }
            values["preferences"] = fields([
                ("Telehealth is fine", needs.telehealthOK ? "yes" : nil), ("Prefers a peer-run program", needs.peerRunPreferred ? "yes" : nil),
                ("Provider gender", needs.providerGender?.rawValue), ("Faith tradition", needs.faithTradition),
            ])
        }
        if let circumstances = disclosure.circumstances {
            values["circumstances"] = fields([
                ("Chronically homeless", circumstances.chronicallyHomeless ? "yes" : nil),
                ("Justice involved", circumstances.justiceInvolved ? "yes" : nil),
                ("Serious mental illness", circumstances.seriousMentalIllness ? "yes" : nil),
                ("Disability", circumstances.disability ? "yes" : nil), ("Veteran", circumstances.veteran.map { $0 ? "yes" : "no" }),
                ("Household size", circumstances.householdSize.map(String.init)),
                ("Monthly income", circumstances.monthlyIncome.map { String(format: "$%.0f", $0) }),
                ("Insurance", circumstances.insurance.isEmpty ? nil : circumstances.insurance.joined(separator: ", ")),
            ])
        }
        if let note = disclosure.clinicalNotes { values["note"] = note }
        if let substanceUse = disclosure.substanceUse {
            values["substance_use"] = [
                "active": substanceUse.activeSubstanceUse ? "yes" : "no",
                "needs": substanceUse.needs.map { need -> [String: Any] in
                    var row: [String: Any] = ["urgency": need.urgency.rawValue]
                    row["detail"] = need.detail?.nonBlank ?? "substance use"
                    return row
                },
                "notice": ReferralDisclosure.part2Notice,
            ] as [String: Any]
        }
        return values
    }

    /// Label and value pairs, leaving out what is absent; nil when nothing is left (the section is not shown).
    private static func fields(_ pairs: [(String, String?)]) -> [String: Any]? {
        let present = pairs.compactMap { label, value in value.map { ["label": label, "value": $0] } }
        return present.isEmpty ? nil : ["fields": present]
    }
}
