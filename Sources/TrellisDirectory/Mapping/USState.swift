import TrellisCore

/// US state names and their postal abbreviations, for areas served written as words (the table is County's).
enum USState {
    static func abbreviation(for name: String) -> String? { County.stateCode(for: name) }
}
