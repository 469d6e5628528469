import TrellisCore

extension DirectoryGenerator {
    /// HTML-escaped bold text, as iCarol exports them (the XML writer escapes them a second time).
    static func appendDescription(of service: Service, site: Site, agency: Agency, markup: Bool, to out: inout String) {
        let kind = kinds[service.kind]
        let p = places[site.place]
        let context = TextContext(agency: agency.name, city: p.city, county: p.countyName, state: p.stateName,
                                  founded: agency.founded, phone: service.phone,
                                  language: spokenLanguage(service.languages), noun: lowerCased(service.baseName))
        var builder = TextBuilder(rng: SplitMix64(seed: service.descriptionSeed), context: context)
        let start = out.utf8.count
        let target = service.descriptionLength
        func heading(_ title: String) -> String? {
            guard markup else { return nil }
            return (title == "About" ? "" : "&lt;br&gt;") + "&lt;b&gt;" + title + ":&lt;/b&gt; "
        }
        let sections: [(pool: [Template], min: Int, max: Int, end: Double, title: String)] = [
            (kind.overview, 2, 5, 0.20, "About"),
            (kind.details, 1, 7, 0.38, "Program details"),
            (eligibilityTemplates, 1, 4, 0.50, "Eligibility"),
            (intakeTemplates, 1, 5, 0.64, "How to apply"),
            (bringTemplates, 1, 4, 0.74, "What to bring"),
            (historyTemplates, 1, 5, 0.87, "About the agency"),
            (accessTemplates, 0, 4, 0.96, "Accessibility"),
            (closingTemplates, 1, 3, 1.00, "Please note"),
        ]
        // The agency's history reads the same in each of its services, as in real exports.
        var history = TextBuilder(rng: SplitMix64(seed: agency.historySeed),
                                  context: historyContext(name: agency.name, place: places[agency.place], founded: agency.founded))
        for section in sections {
            let goal = Int(Double(target) * section.end)
            if section.title == "About the agency" {
                history.appendSentences(from: section.pool, minimum: section.min, maximum: section.max, goal: goal,
                                        start: start, heading: heading(section.title), to: &out)
            } else {
                builder.appendSentences(from: section.pool, minimum: section.min, maximum: section.max, goal: goal,
                                        start: start, heading: heading(section.title), to: &out)
            }
        }
    }

    /// Slots for an agency's history: its home county, not the site's.
    static func historyContext(name: String, place p: Place, founded: Int) -> TextContext {
        TextContext(agency: name, city: p.city, county: p.countyName, state: p.stateName, founded: founded,
                    phone: "", language: "Spanish", noun: "program")
    }
}
