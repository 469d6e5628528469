import TrellisCore

/// Reads what a directory says of a site's accessibility in words (AIRS `DisabilitiesAccess`,
/// HSDS `accessibility.description` and `details`) as features stated present or absent. A
/// clause that names a feature states it; a negation in the same clause ("not", "no", "without")
/// states it absent. What no clause names stays unknown. Searches are byte-level (`containsBytes`):
/// Foundation's string search goes through NSString on Linux and cost a third of an AIRS import.
enum AccessibilityText {
    /// Longest statement kept with the service, in characters.
    static let maximumStatementLength = 500

    static func read(_ texts: [String]) -> ServiceAccessibility? {
        let words = texts.compactMap(\.nonBlank)
        guard !words.isEmpty else { return nil }
        let text = words.joined(separator: ". ").lowercased()
        var (offers, lacks) = text.utf8.allSatisfy { $0 < 0x80 } ? statedInASCII(text) : stated(text)
        // A feature stated both ways is not known either way.
        let both = offers.intersection(lacks)
        offers.subtract(both)
        lacks.subtract(both)
        let statement = String(words.joined(separator: " ").prefix(maximumStatementLength))
        return ServiceAccessibility(offers: offers.sorted(), lacks: lacks.sorted(), statement: statement)
    }

    /// The features each clause states present or absent (the general path, for any text).
    static func stated(_ text: String) -> (offers: Set<AccessibilityFeature>, lacks: Set<AccessibilityFeature>) {
        var offers = Set<AccessibilityFeature>()
        var lacks = Set<AccessibilityFeature>()
        for clause in clauses(text) {
            if wheelchairAbsent.contains(where: clause.containsBytes) {
                lacks.insert(.wheelchair)
                continue
            }
            // A bare "Accessible" is how 2-1-1 records say a site can be reached in a wheelchair.
            if clause.trimmingWhitespace() == "accessible" { offers.insert(.wheelchair) }
            let negated = isNegated(clause)
            let words = wordsOnly(clause)
            for (feature, cues) in Self.cues where cues.contains(where: { has(clause, words: words, $0) }) {
                if negated { lacks.insert(feature) } else { offers.insert(feature) }
            }
        }
        return (offers, lacks)
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
        text.split(separator: " but ", omittingEmptySubsequences: false).joined(separator: ".")
            .split(whereSeparator: { ".;,\n!?".contains($0) || $0 == "\r\n" })
            .map { " " + $0.trimmingWhitespace() + " " }
    }

    /// "no steps" is a statement of access, not a negation.
    static func isNegated(_ clause: String) -> Bool {
        let cleared = clause.split(separator: "no steps", omittingEmptySubsequences: false).joined()
        return negations.contains(where: cleared.containsBytes)
    }

    static let negations = [" not ", " no ", " without ", " unavailable ", " isn't ", " lacks ", " cannot "]

    /// The clause with everything but letters turned to spaces, padded, for whole-word cues.
    static func wordsOnly(_ clause: String) -> String {
        " " + String(clause.map { $0.isLetter ? $0 : " " }) + " "
    }

    /// A cue of one short word ("asl", "lift") only as a whole word (looked up in `words`).
    static func has(_ clause: String, words: String, _ cue: String) -> Bool {
        cue.count <= 4 ? words.containsBytes(" \(cue) ") : clause.containsBytes(cue)
    }
}
