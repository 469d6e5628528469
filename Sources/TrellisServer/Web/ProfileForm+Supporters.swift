import Foundation
import TrellisCore

/// The profile form's support network: up to `Supporter.limit` rows of name, relation, phone, e-mail
/// and "copy on status changes" (the person's consent for that supporter). A row left blank is no
/// supporter; a row with anything in it goes to the same strict decoder as the API's.
extension ProfileForm {
    static let supporterFields = ["name", "relation", "phone", "email"]

    /// The JSON list of supporters the form's rows make; nil when every row is blank.
    static func supporters(_ form: FormData) -> [[String: Any]]? {
        var list: [[String: Any]] = []
        for row in 1...Supporter.limit {
            var supporter: [String: Any] = [:]
            for field in supporterFields {
                if let value = form["supporter_\(field)_\(row)"] { supporter[field] = value }
            }
            let copied = form.isChecked("supporter_updates_\(row)")
            guard !supporter.isEmpty || copied else { continue }
            supporter["name"] = supporter["name"] ?? ""  // refused by name, not dropped
            supporter["relation"] = supporter["relation"] ?? ""
            supporter["consent_to_updates"] = copied
            list.append(supporter)
        }
        return list.isEmpty ? nil : list
    }

    /// The rows as the form draws them again: what was typed, or the profile's supporters.
    static func supporterRows(_ form: FormData) -> [[String: Any]] {
        (1...Supporter.limit).map { row in
            let relation = form["supporter_relation_\(row)"] ?? ""
            var values: [String: Any] = ["row": row, "copied": form.isChecked("supporter_updates_\(row)")]
            for field in supporterFields where field != "relation" { values[field] = form["supporter_\(field)_\(row)"] ?? "" }
            values["relations"] = Supporter.Relation.allCases.map { ["value": $0.rawValue, "words": $0.words, "selected": $0.rawValue == relation] }
            return values
        }
    }
}
