import Foundation
public import TrellisCore

/// The plain words a receipt uses for what was shared: each consent category, and the fields a
/// referral carries under it (as `ReferralDisclosure` fills them).
public enum ReceiptWords {
    public static func category(_ category: Consent.Category) -> String {
        switch category {
        case .contact: "How to reach you"
        case .demographics: "About you (age, gender, languages, where you live)"
        case .needs: "What you need help with"
        case .circumstances: "Your circumstances"
        case .clinicalNotes: "Your case worker's note"
        case .substanceUse: "Substance-use information (protected by 42 CFR Part 2)"
        }
    }

    static func fields(_ category: Consent.Category) -> [String] {
        switch category {
        case .contact: ["name", "phone", "e-mail"]
        case .demographics: ["age", "gender", "languages", "whether you need an interpreter", "city", "county", "state", "postal code"]
        case .needs: ["the needs this referral is for, with their urgency", "telehealth", "peer-run preference", "provider gender preference",
                      "faith tradition (for faith-based support only)"]
        case .circumstances: ["housing situation", "justice involvement", "serious mental illness", "disability", "veteran", "household size",
                              "monthly income", "insurance"]
        case .clinicalNotes: ["the note your case worker wrote for the agency"]
        case .substanceUse: ["active substance use", "substance-use needs"]
        }
    }

    /// How a disclosure reached the agency, from its audit record's detail.
    static func how(_ detail: String) -> String {
        if detail.hasPrefix("disclosure in the inbox") { return "opened by the agency in its Trellis inbox" }
        if detail.contains("pulled as FHIR") { return "collected by the agency's system" }
        return "sent to the agency's system"
    }

    /// The categories an audit detail says went: the words after "disclosed " (or after ": " for a
    /// consent's capture), up to the next ";".
    static func categories(inDetail detail: String, after marker: String) -> [String]? {
        guard let range = detail.range(of: marker) else { return nil }
        let list = detail[range.upperBound...].prefix { $0 != ";" }
        if list == "the referral only" { return [] }
        return list.split(separator: ",").map { String($0).trimmingWhitespace() }.sorted()
    }
}
