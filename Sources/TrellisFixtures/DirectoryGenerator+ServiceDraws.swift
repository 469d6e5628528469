import TrellisCore

/// The parts of a service, each drawn from the service's stream in the order `makeService` calls them.
extension DirectoryGenerator.Plan {
    /// A kind from the agency's focus most of the time, else any kind by weight.
    static func drawKind(agency: Agency, using rng: inout SplitMix64) -> Int {
        let byDomain = DirectoryGenerator.kindsByDomain[agency.focus.rawValue]
        return !byDomain.isEmpty && rng.chance(0.65) ? rng.pick(byDomain) : rng.weighted(DirectoryGenerator.kindWeights)
    }

    static func drawGender(kind: Kind, using rng: inout SplitMix64) -> String? {
        var gender: String? = nil
        if kind.term.code == "BH-1800.1500" {
            if rng.chance(0.6) { gender = "Female" }
        } else if rng.chance(0.03) {
            gender = rng.chance(0.6) ? "Female" : "Male"
        }
        return gender
    }

    /// One of the kind's names; a shelter for one gender says so.
    static func drawBaseName(kind: Kind, gender: String?, using rng: inout SplitMix64) -> String {
        let name = rng.pick(kind.names)
        guard let gender, kind.term.code == "BH-1800.8500" else { return name }
        return (gender == "Female" ? "Women's " : "Men's ") + name
    }

    /// Who a service is for, besides gender.
    struct Requirements {
        let age: (min: Int?, max: Int?, text: String)?
        let gender: String?
        let income: String?
        let residency: String?

        /// The one-line eligibility HSDS writes: the age rule (or a general line), then the others.
        func eligibility(using rng: inout SplitMix64) -> String {
            var text = age?.text ?? rng.pick(["Open to the public", "Adults and families", "Anyone in need", "Residents of the service area"])
            if let gender { text += gender == "Female" ? "; women only" : "; men only" }
            if let income { text += ". " + income }
            if let residency { text += ". " + residency }
            return text + "."
        }
    }

    static func drawRequirements(place p: Place, gender: String?, using rng: inout SplitMix64) -> Requirements {
        let age = rng.chance(Rates.ageRequirement) ? rng.pick(DirectoryGenerator.ageRules) : nil
        var income: String? = nil
        if rng.chance(Rates.incomeLimit) {
            switch rng.int(below: 5) {
            case 0, 1: income = "Household income at or below $" + DirectoryGenerator.grouped(rng.int(in: 24...90) * 50) + " per month"
            case 2, 3: income = "Household income less than $" + DirectoryGenerator.grouped(rng.int(in: 36...120) * 500) + " a year"
            default: income = "At or below " + String(rng.pick([150, 185, 200, 250])) + "% of the federal poverty guidelines"
            }
        }
        let residency: String? = rng.chance(Rates.residency)
            ? rng.pick(["Must live in " + p.countyName, "Residents of " + p.stateName, p.countyName + " residents only",
                        "Must live in " + p.city + " or " + p.countyName])
            : nil
        return Requirements(age: age, gender: gender, income: income, residency: residency)
    }

    /// Taxonomy: the kind's code, sometimes a related mapped code, program attributes, unmapped codes.
    static func drawTerms(kind: Kind, agency: Agency, using rng: inout SplitMix64)
        -> (terms: [Term], sobriety: Bool, telehealth: Bool) {
        var terms = [kind.term]
        if !kind.extraTerms.isEmpty && rng.chance(0.3) { terms.append(rng.pick(kind.extraTerms)) }
        var sobriety = kind.term.code == "RX-8500.8000"
        if kind.term.code == "trellis:supported-employment" && rng.chance(Rates.ipsOfSupportedEmployment) {
            terms.append(DirectoryGenerator.ipsTerm)
            let level = rng.pick(DirectoryGenerator.fidelityLevels)
            terms.append(Term(code: "trellis:ips-fidelity/" + level, name: "IPS Fidelity: " + level))
        }
        if kind.isHousing && !sobriety {
            let draw = Double(rng.next() >> 11) * 0x1p-53
            if draw < Rates.housingFirstOfHousing {
                terms.append(DirectoryGenerator.housingFirstTerm)
            } else if draw < Rates.housingFirstOfHousing + Rates.sobrietyRequiredOfHousing {
                terms.append(DirectoryGenerator.sobrietyTerm)
                sobriety = true
            }
        }
        if let faith = agency.faith {
            terms.append(DirectoryGenerator.faithBasedTerm)
            terms.append(Term(code: "trellis:faith-tradition/" + faith, name: "Faith Tradition: " + faith.capitalizedFirst))
        }
        if rng.chance(kind.domain == .peer ? Rates.peerRunOfPeerSupport : Rates.peerRunOther) {
            terms.append(DirectoryGenerator.peerRunTerm)
        }
        if (kind.domain == .clinical || kind.isHousing) && rng.chance(Rates.traumaInformed) {
            terms.append(DirectoryGenerator.traumaInformedTerm)
        }
        let telehealth = rng.chance(kind.domain == .clinical ? Rates.telehealthClinical : Rates.telehealthOther)
        if telehealth { terms.append(DirectoryGenerator.telehealthTerm) }
        appendUnmappedTerms(to: &terms, using: &rng)
        return (terms, sobriety, telehealth)
    }

    static func appendUnmappedTerms(to terms: inout [Term], using rng: inout SplitMix64) {
        guard rng.chance(Rates.unmappedCodes) else { return }
        let unmapped = DirectoryGenerator.unmappedTerms
        let first = rng.int(below: unmapped.count)
        terms.append(unmapped[first])
        if rng.chance(0.3) {
            terms.append(unmapped[(first + 1 + rng.int(below: 3)) % unmapped.count])
        }
    }

    /// Languages: usually the site's, sometimes the service's own.
    static func drawLanguages(site: Site, using rng: inout SplitMix64)
        -> (languages: UInt16, writesOwn: Bool, joined: Bool) {
        let ownLanguages = rng.chance(0.25)
        var languages = ownLanguages ? DirectoryGenerator.drawLanguages(&rng) : site.languages
        var writesOwn = ownLanguages || rng.chance(0.6)
        let joined = rng.chance(Rates.joinedLanguages)
        if joined {
            // The quirk shows only with two or more languages to join.
            if languages.nonzeroBitCount < 2 { languages |= 1 << 1 }
            writesOwn = true
        }
        return (languages, writesOwn, joined)
    }

    static func drawHours(kind: Kind, site: Site, using rng: inout SplitMix64)
        -> (hours: String, dayHours: (from: String, to: String)?) {
        var hours = site.hours
        var dayHours: (from: String, to: String)? = nil
        if !kind.hours.isEmpty && rng.chance(0.7) {
            hours = rng.pick(kind.hours)
        } else if rng.chance(0.3) {
            let h = rng.pick(DirectoryGenerator.weekdayHours)
            hours = h.notes
            if rng.chance(0.6) { dayHours = (h.from, h.to) }
        }
        return (hours, dayHours)
    }

    static func drawAreas(site: Site, place p: Place, using rng: inout SplitMix64) -> AreaServed {
        switch rng.weighted([60, 12, 10, 8, 10]) {
        case 0:
            var counties = [site.place]
            let neighbors = DirectoryGenerator.neighbors[site.place]
            for _ in 0..<rng.weighted([50, 35, 15]) where !neighbors.isEmpty {
                let n = rng.pick(neighbors)
                if !counties.contains(n) { counties.append(n) }
            }
            return .counties(counties)
        case 1:
            var zips: [String] = []
            for _ in 0..<rng.int(in: 2...5) {
                let z = rng.pick(p.zips)
                if !zips.contains(z) { zips.append(z) }
            }
            return .zips(zips)
        case 2: return .statewide
        case 3: return .allAreas
        default: return .none
        }
    }

    /// Capacity (HSDS 3.1) for housing.
    static func drawCapacities(kind: Kind, using rng: inout SplitMix64) -> [Capacity] {
        var capacities: [Capacity] = []
        guard kind.isHousing, let unit = kind.capacityUnit else { return capacities }
        if rng.chance(Rates.capacityOfHousing) {
            let maximum = rng.int(in: 6...120)
            capacities.append(Capacity(unit: unit, available: rng.int(in: 0...max(0, maximum / 4)), maximum: maximum,
                                       updated: Day.random(years: 2025...2026, using: &rng)))
        }
        if rng.chance(Rates.waitlistOfHousing) {
            capacities.append(Capacity(unit: "waitlist", available: rng.int(in: 1...80), maximum: nil,
                                       updated: Day.random(years: 2025...2026, using: &rng)))
        }
        return capacities
    }

    static func drawPayments(kind: Kind, using rng: inout SplitMix64) -> [String] {
        var payments: [String] = []
        for _ in 0..<rng.int(in: 1...3) {
            let method = rng.pick(kind.payments)
            if !payments.contains(method) { payments.append(method) }
        }
        return payments
    }

    /// 988 for crisis lines, sometimes a toll-free number for the others.
    static func drawTollFree(kind: Kind, using rng: inout SplitMix64) -> String? {
        if kind.domain == .clinical && kind.term.code.hasPrefix("RP-1500") { return "988" }
        return rng.chance(0.1) ? "1-800-555-01" + DirectoryGenerator.twoDigits(rng.int(below: 100)) : nil
    }
}
