import Foundation
import TrellisCore

/// The needs-profile form, to and from a `NeedsProfile`. The form builds the same JSON the API
/// takes and decodes it with the same strict decoder, so a page refuses exactly what the API would,
/// naming the field.
enum ProfileForm {
    static let circumstances = ["chronically_homeless", "active_substance_use", "justice_involved", "serious_mental_illness", "disability"]

    static func profile(_ form: FormData) throws -> NeedsProfile {
        var person: [String: Any] = ["ref": form["person_ref"] ?? ""]
        if let age = form["age"] { person["age"] = Int(age) ?? age }
        if let gender = form["gender"] { person["gender"] = gender }
        if let name = form["name"] { person["name"] = name }
        if let phone = form["phone"] { person["phone"] = phone }
        if let email = form["email"] { person["email"] = email }
        person["languages"] = list(form["languages"]) ?? ["en"]
        person["interpreter_needed"] = form.isChecked("interpreter_needed")
        if let code = form["postal_code"] { person["location"] = ["postal_code": code] }
        if let county = form["county"] { person["county"] = county }
        if let insurance = list(form["insurance"]) { person["insurance"] = insurance }
        if form.isChecked("veteran") { person["veteran"] = true }
        let needs = form.all("need").map(need(form))
        var circumstances: [String: Any] = [:]
        for name in Self.circumstances { circumstances[name] = form.isChecked(name) }
        var preferences: [String: Any] = ["faith_based": form.isChecked("faith_opt_in") ? "opt_in" : "not_offered",
                                          "telehealth_ok": form.isChecked("telehealth_ok"), "peer_run_preferred": form.isChecked("peer_run_preferred")]
        if let tradition = form["faith_tradition"] { preferences["faith_tradition"] = tradition }
        if let notes = form["preference_notes"] { preferences["notes"] = notes }
        let access = form.all("accessibility")
        if !access.isEmpty { preferences["accessibility"] = access }
        preferences["trauma_informed"] = form.isChecked("trauma_informed")
        if let distance = form["max_distance_km"] { preferences["max_distance_km"] = Double(distance).flatMap { $0.isFinite ? $0 : nil } ?? distance }
        // "1e999" reads as infinity, which JSON cannot carry: it stays text above, refused by the decoder by name.
        var object: [String: Any] = ["person": person, "needs": needs, "circumstances": circumstances, "preferences": preferences]
        if let supporters = supporters(form) { object["supporters"] = supporters }
        let data = try JSONSerialization.data(withJSONObject: object)
        do {
            return try JSONDecoder().decode(NeedsProfile.self, from: data)
        } catch let error as DecodingError {
            let (field, reason) = error.fieldAndReason
            throw APIError.invalid(field.isEmpty ? reason : "\(field): \(reason)", field: field)
        }
    }

    /// The profile as the hidden field that carries it from the matches page to the referral page.
    static func carried(_ profile: NeedsProfile) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(profile), as: UTF8.self)
    }

    static func fromCarried(_ text: String?) throws -> NeedsProfile {
        guard let text else { throw APIError.invalid("the needs profile is missing: start again from the profile form", field: "profile") }
        do { return try JSONDecoder().decode(NeedsProfile.self, from: Data(text.utf8)) } catch {
            throw APIError.invalid("the needs profile could not be read: start again from the profile form", field: "profile")
        }
    }

    /// One ticked need with its own detail, urgency and notes (`detail_housing`, `urgency_housing`,
    /// `notes_housing`); a form that sends one `urgency` for all needs still works.
    static func need(_ form: FormData) -> (String) -> [String: Any] {
        { domain in
            var need: [String: Any] = ["domain": domain, "urgency": form["urgency_\(domain)"] ?? form["urgency"] ?? "routine"]
            if let detail = form["detail_\(domain)"] { need["detail"] = detail }
            if let notes = form["notes_\(domain)"] { need["notes"] = notes }
            return need
        }
    }

    /// The needs fieldset: each domain with its tick, detail, urgency and notes as typed.
    static func domains(_ form: FormData) -> [[String: Any]] {
        let ticked = form.all("need")
        return NeedDomain.allCases.map { domain in
            let key = domain.rawValue
            let urgency = form["urgency_\(key)"] ?? form["urgency"] ?? "routine"
            return [
                "value": key, "title": domain.title, "checked": ticked.contains(key),
                "has_details": !domain.details.isEmpty,
                "details": domain.details.map { ["value": $0.value, "title": $0.title, "selected": form["detail_\(key)"] == $0.value] },
                "urgencies": NeedsProfile.Urgency.allCases.map { ["value": $0.rawValue, "selected": urgency == $0.rawValue] },
                "notes": form["notes_\(key)"] ?? "",
            ]
        }
    }

    /// The accessibility checkboxes, as ticked.
    static func accessibility(_ form: FormData) -> [[String: Any]] {
        let ticked = form.all("accessibility")
        return AccessibilityFeature.allCases.map { ["value": $0.rawValue, "title": $0.title.capitalizedFirst, "checked": ticked.contains($0.rawValue)] }
    }

    static func list(_ text: String?) -> [String]? {
        let items = text?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } ?? []
        return items.isEmpty ? nil : items
    }

    /// What the form shows when it is drawn again (after an error): the values the person typed.
    static func values(_ form: FormData) -> [String: Any] {
        var values: [String: Any] = [:]
        for name in ["person_ref", "age", "gender", "postal_code", "languages", "county", "insurance", "max_distance_km", "faith_tradition", "urgency", "name", "phone", "email", "preference_notes"] {
            values[name] = form[name] ?? ""
        }
        for name in ["interpreter_needed", "veteran", "faith_opt_in", "telehealth_ok", "peer_run_preferred", "trauma_informed"] + circumstances {
            values["checked_\(name)"] = form.isChecked(name)
        }
        values["supporter_rows"] = supporterRows(form)
        return values
    }
}
