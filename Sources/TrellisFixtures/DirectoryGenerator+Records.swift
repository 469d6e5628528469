import TrellisCore

extension DirectoryGenerator.Plan {
    func makeAgency(index: Int, parent: Agency?) -> Agency {
        var rng = SplitMix64(seed: seed, salt: Salt.agency.rawValue, index: index)
        let place = parent?.place ?? rng.int(below: DirectoryGenerator.places.count)
        let p = DirectoryGenerator.places[place]
        var focus = Domain(rawValue: rng.weighted([30, 15, 35, 10, 0, 10])) ?? .general
        var faith: String? = parent?.faith
        var name: String
        if let parent {
            name = parent.name + " " + rng.pick(DirectoryGenerator.childAgencySuffixes)
        } else if rng.chance(Rates.faithAgency) {
            let tradition = rng.pick(DirectoryGenerator.faithTraditions)
            faith = tradition.slug
            name = rng.pick(tradition.agencyNames)
            if rng.chance(0.3) { focus = .faith }
        } else if rng.chance(0.15) {
            name = rng.pick(DirectoryGenerator.placeNamePatterns)
        } else {
            name = rng.pick(DirectoryGenerator.namePrefixes) + " " + rng.pick(DirectoryGenerator.nameSuffixes[focus.rawValue])
        }
        name = name.replacingSlots(city: p.city, county: p.county)
        let slug = DirectoryGenerator.slug(name)
        let founded = rng.int(in: 1890...2019)
        let phone = DirectoryGenerator.phoneNumber(areaCode: p.areaCode, using: &rng)

        // A short history for AgencyDescription / organization.description.
        var text = ""
        text.reserveCapacity(1024)
        let historySeed = rng.next()
        var builder = TextBuilder(rng: SplitMix64(seed: historySeed),
                                  context: DirectoryGenerator.historyContext(name: name, place: p, founded: founded))
        builder.appendSentences(from: DirectoryGenerator.historyTemplates, minimum: 3, maximum: 5,
                                goal: rng.int(in: 400...800), start: 0, heading: nil, to: &text)

        return Agency(
            index: index,
            key: String(1_000_000_000 + index),
            id: DirectoryGenerator.uuid(seed: seed, .organizationID, index),
            name: name, slug: slug, focus: focus, place: place, founded: founded, faith: faith,
            historySeed: historySeed, description: text, hasDescription: rng.chance(0.95), hasWebsite: rng.chance(0.92),
            url: "https://" + slug + ".example.org/",
            email: rng.pick(["info", "intake", "help", "contact"]) + "@" + slug + ".example.org",
            phone: phone, parentID: parent?.id,
            added: Day.random(years: 2003...2020, using: &rng),
            verified: Day.random(years: 2021...2026, using: &rng),
            depth: (parent?.depth ?? 0) + 1)
    }

func makeSite(index: Int, agency: Agency) -> Site {
        var rng = SplitMix64(seed: seed, salt: Salt.site.rawValue, index: index)
        var place = agency.place
        let neighbors = DirectoryGenerator.neighbors[place]
        if !neighbors.isEmpty && rng.chance(0.25) { place = rng.pick(neighbors) }
        let p = DirectoryGenerator.places[place]
        let first = rng.chance(0.6)
        let name = first ? agency.name
            : agency.name + " — " + rng.pick(DirectoryGenerator.siteQualifiers) + " " + rng.pick(DirectoryGenerator.siteKinds)
        var line1 = String(rng.int(in: 100...9899)) + " "
        if rng.chance(0.35) { line1 += rng.pick(DirectoryGenerator.directions) + " " }
        line1 += rng.pick(DirectoryGenerator.streets) + " " + rng.pick(DirectoryGenerator.streetTypes)
        let line2: String? = rng.chance(0.2) ? rng.pick(["Suite ", "Suite ", "Room ", "Floor ", "Unit "]) + String(rng.int(in: 1...450)) : nil
        let quirkDraw = Double(rng.next() >> 11) * 0x1p-53
        let quirk: CoordinateQuirk = quirkDraw < Rates.latitude100 ? .latitude100
            : quirkDraw < Rates.latitude100 + Rates.datumCoordinates ? .datumOnly : .none
        let hours: String
        if rng.chance(0.7) {
            hours = rng.pick(DirectoryGenerator.weekdayHours).notes
        } else {
            hours = rng.pick(DirectoryGenerator.otherHours)
        }
        return Site(
            index: index,
            key: String(2_000_000_000 + index),
            id: DirectoryGenerator.uuid(seed: seed, .locationID, index),
            name: name, place: place, line1: line1, line2: line2, zip: rng.pick(p.zips),
            // Within about 8 km of the county seat.
            latitude: p.latitude + rng.int(in: -70_000...70_000),
            longitude: p.longitude + rng.int(in: -90_000...90_000),
            coordinateQuirk: quirk,
            badLatitudeHSDS: rng.chance(Rates.badLatitude),
            upperCaseCounty: rng.chance(Rates.upperCaseCounty),
            languages: DirectoryGenerator.drawLanguages(&rng),
            hours: hours,
            phone: rng.chance(0.7) ? agency.phone : DirectoryGenerator.phoneNumber(areaCode: p.areaCode, using: &rng),
            accessibility: rng.pick(["Wheelchair accessible", "Accessible entrance on the east side; elevator to all floors",
                                     "Ramp at rear entrance", "Limited accessibility; call ahead", "Fully accessible"]))
    }
}
