import TrellisCore

/// Reads areas served that a directory gives only as words.
enum AreaText {
    /// "All Areas", "Statewide" (with a state), "Douglas County, Sarpy County", "68102, 68105".
    /// Nil when the words are not a list of places we understand.
    static func areas(from text: String, state: String?) -> [ServiceArea]? {
        let lower = text.lowercased().trimmingWhitespace()
        if ["all areas", "all", "anywhere", "nationwide", "national", "everywhere", "no restrictions", "unrestricted"].contains(lower) {
            return [.anywhere]
        }
        if lower == "statewide" || lower == "state wide" {
            return state.map { [.state($0)] }
        }
        let parts = LanguageCode.splitNames(text)
        guard !parts.isEmpty else { return nil }
        var result: [ServiceArea] = []
        for part in parts {
            if let county = countyName(part) {
                result.append(.county(county, state: state))
            } else if isPostalCode(part) {
                result.append(.postalCode(part))
            } else if let abbreviation = USState.abbreviation(for: part) {
                result.append(.state(abbreviation))
            } else {
                return nil
            }
        }
        return result
    }

    /// "Douglas County" → "Douglas"; nil when the words do not name a county.
    static func countyName(_ raw: String) -> String? {
        let trimmed = raw.trimmingWhitespace()
        for suffix in [" county", " parish", " borough", " co."] where trimmed.lowercased().hasSuffix(suffix) {
            return String(trimmed.dropLast(suffix.count)).nonBlank
        }
        return nil
    }

    /// "DOUGLAS COUNTY" → "Douglas", as ``County`` writes it, so every reader stores one spelling.
    static func normalisedCounty(_ raw: String) -> String {
        County(raw)?.name ?? raw.trimmingWhitespace()
    }

    static func isPostalCode(_ text: String) -> Bool {
        let t = text.trimmingWhitespace()
        let digits = t.filter(\.isNumber)
        return (digits.count == 5 && t.count == 5) || (digits.count == 9 && t.count == 10 && t.contains("-"))
    }
}
