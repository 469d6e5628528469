import TrellisCore

extension DirectoryGenerator {
    struct Language: Sendable {
        let name: String
        /// Another name exports use for it, some of the time.
        let altName: String?
        let code: String
        let rate: Double
    }

    /// English always; the others at roughly the rates seen in Midwest 211 directories.
    static let languages: [Language] = [
        Language(name: "English", altName: nil, code: "en", rate: 1),
        Language(name: "Spanish", altName: nil, code: "es", rate: 0.34),
        Language(name: "Vietnamese", altName: nil, code: "vi", rate: 0.06),
        Language(name: "Somali", altName: nil, code: "so", rate: 0.04),
        Language(name: "Arabic", altName: nil, code: "ar", rate: 0.05),
        Language(name: "Karen", altName: nil, code: "kar", rate: 0.02),
        Language(name: "Russian", altName: nil, code: "ru", rate: 0.04),
        Language(name: "Chinese", altName: "Mandarin", code: "zh", rate: 0.04),
        Language(name: "American Sign Language", altName: "ASL", code: "ase", rate: 0.05),
    ]

    /// A set of languages as bits over ``languages``; English is always in it.
    static func drawLanguages(_ rng: inout SplitMix64) -> UInt16 {
        var set: UInt16 = 1
        for (i, language) in languages.enumerated() where i > 0 && rng.chance(language.rate) {
            set |= 1 << UInt16(i)
        }
        return set
    }

    /// The language names a service states, in table order.
    static func languageNames(_ set: UInt16, useAltNames: Bool) -> [String] {
        var names: [String] = []
        for (i, language) in languages.enumerated() where set & (1 << UInt16(i)) != 0 {
            names.append(useAltNames ? (language.altName ?? language.name) : language.name)
        }
        return names
    }

    /// A language other than English the service offers, for texts ("Spanish" when it offers none).
    static func spokenLanguage(_ set: UInt16) -> String {
        for (i, language) in languages.enumerated() where i > 0 && set & (1 << UInt16(i)) != 0 {
            return language.name
        }
        return "Spanish"
    }

    /// Appends the service's long description: overview, details, eligibility, intake, what to
}
