import Foundation

import TrellisCore

/// Reads what a directory says of a site's accessibility in words (AIRS `DisabilitiesAccess`,
/// HSDS `accessibility.description` and `details`) as features stated present or absent. A
/// clause that names a feature states it; a negation in the same clause ("not", "no", "without")
/// states it absent. What no clause names stays unknown.
enum AccessibilityText {
    /// Longest statement kept with the service, in characters.
    static let maximumStatementLength = 500

    static func read(_ texts: [String]) -> ServiceAccessibility? {
        let words = texts.compactMap(\.nonBlank)
        guard !words.isEmpty else { return nil }
        var offers = Set<AccessibilityFeature>()
        var lacks = Set<AccessibilityFeature>()
        for clause in clauses(words.joined(separator: ". ").lowercased()) {
            if wheelchairAbsent.contains(where: clause.contains) {
                lacks.insert(.wheelchair)
                continue
            }
            // A bare "Accessible" is how 2-1-1 records say a site can be reached in a wheelchair.
            if clause.trimmingWhitespace() == "accessible" { offers.insert(.wheelchair) }
            let negated = isNegated(clause)
            for (feature, cues) in Self.cues where cues.contains(where: { has(clause, $0) }) {
                if negated { lacks.insert(feature) } else { offers.insert(feature) }
            }
        }
        // A feature stated both ways is not known either way.
        let both = offers.intersection(lacks)
        offers.subtract(both)
        lacks.subtract(both)
        let statement = String(words.joined(separator: " ").prefix(maximumStatementLength))
        return ServiceAccessibility(offers: offers.sorted(), lacks: lacks.sorted(), statement: statement)
    }

    static let cues: [(AccessibilityFeature, [String])] = [
        (.wheelchair, ["wheelchair", "wheel chair", "ramp", "ramps", "elevator", "elevators", "lift", "step-free", "step free", "no steps",
                       "ada accessible", "ada compliant", "accessible entrance", "level access", "accessible restroom",
                       "fully accessible", "ground floor accessible", "handicap accessible", "handicapped accessible",
                       "accessible to people with disabilities", "accessible to persons with disabilities"]),
        (.signLanguage, ["sign language", "asl", "deaf interpreter", "interpreters for the deaf"]),
        (.largePrint, ["large print", "large-print"]),
        (.braille, ["braille"]),
        (.hearingLoop, ["hearing loop", "induction loop", "t-coil", "assistive listening", "loop system"]),
        (.serviceAnimal, ["service animal", "service dog", "guide dog"]),
    ]

    /// Phrases that say a site cannot be reached in a wheelchair, whatever else the clause says.
    static let wheelchairAbsent = ["stairs only", "no elevator", "no ramp", "not wheelchair", "no wheelchair",
                                   "not accessible", "inaccessible", "not ada"]

    static func clauses(_ text: String) -> [String] {
        text.replacingOccurrences(of: " but ", with: ".")
            .split(whereSeparator: { ".;,\n!?".contains($0) })
            .map { " " + $0.trimmingWhitespace() + " " }
    }

    /// "no steps" is a statement of access, not a negation.
    static func isNegated(_ clause: String) -> Bool {
        let cleared = clause.replacingOccurrences(of: "no steps", with: "")
        return [" not ", " no ", " without ", " unavailable ", " isn't ", " lacks ", " cannot "].contains(where: cleared.contains)
    }

    /// A cue of one short word ("asl", "lift") only as a whole word.
    static func has(_ clause: String, _ cue: String) -> Bool {
        guard cue.count <= 4 else { return clause.contains(cue) }
        let letters = clause.map { $0.isLetter ? $0 : " " }
        return (" " + String(letters) + " ").contains(" \(cue) ")
    }
}
