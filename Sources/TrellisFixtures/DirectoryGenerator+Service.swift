import TrellisCore

extension DirectoryGenerator.Plan {
    /// Service `index` at `site`: every number drawn from the service's own stream, in a fixed order
    /// (the order of the draws below is what keeps a seed's output the same).
    func makeService(index: Int, site: Site, agency: Agency) -> Service {
        var rng = SplitMix64(seed: seed, salt: Salt.service.rawValue, index: index)
        let kindIndex = Self.drawKind(agency: agency, using: &rng)
        let kind = DirectoryGenerator.kinds[kindIndex]
        let p = DirectoryGenerator.places[site.place]

        let gender = Self.drawGender(kind: kind, using: &rng)
        let baseName = Self.drawBaseName(kind: kind, gender: gender, using: &rng)
        let requirements = Self.drawRequirements(place: p, gender: gender, using: &rng)
        let taxonomy = Self.drawTerms(kind: kind, agency: agency, using: &rng)
        let spoken = Self.drawLanguages(site: site, using: &rng)
        let schedule = Self.drawHours(kind: kind, site: site, using: &rng)
        let areas = Self.drawAreas(site: site, place: p, using: &rng)
        let capacities = Self.drawCapacities(kind: kind, using: &rng)
        let payments = Self.drawPayments(kind: kind, using: &rng)
        let eligibility = requirements.eligibility(using: &rng)
        let phone = rng.chance(0.7) ? site.phone : DirectoryGenerator.phoneNumber(areaCode: p.areaCode, using: &rng)
        let tollFree = Self.drawTollFree(kind: kind, using: &rng)

        let quirks = (iCarol: rng.chance(Rates.iCarolExtras), facet: rng.chance(Rates.facetCode),
                      html: rng.chance(Rates.doubleEscapedHTML), emptyPhone: rng.chance(Rates.emptyPhoneNumber),
                      strings: rng.chance(Rates.numbersAsStrings))
        let slug = DirectoryGenerator.slug(baseName)

        return Service(
            index: index,
            key: String(3_000_000_000 + index),
            id: DirectoryGenerator.uuid(seed: seed, .serviceID, index),
            kind: kindIndex,
            name: agency.name + " — " + baseName,
            baseName: baseName,
            terms: taxonomy.terms,
            languages: spoken.languages,
            writesOwnLanguages: spoken.writesOwn,
            minimumAge: requirements.age?.min, maximumAge: requirements.age?.max, ageText: requirements.age?.text,
            gender: gender, income: requirements.income, residency: requirements.residency,
            otherRequirement: taxonomy.sobriety ? rng.pick(["Must be sober on arrival", "Must agree to random drug and alcohol testing",
                                                  "30 days of sobriety required before move-in"]) : nil,
            eligibility: eligibility,
            applicationProcess: rng.pick(DirectoryGenerator.intakeSteps),
            documents: Array(kind.documents.prefix(rng.int(in: 1...kind.documents.count))),
            fees: rng.pick(kind.fees),
            payments: payments,
            hours: schedule.hours, dayHours: schedule.dayHours,
            phone: phone, tollFree: tollFree,
            areas: areas,
            added: Day.random(years: 2005...2020, using: &rng),
            verified: Day.random(years: 2021...2026, using: &rng),
            availableForReferral: !rng.chance(Rates.notAvailableForReferral),
            inactive: rng.chance(Rates.inactive),
            broken: rng.chance(Rates.broken),
            capacities: capacities,
            url: rng.chance(0.6) ? agency.url + "programs/" + slug : nil,
            email: rng.chance(0.4) ? agency.email : nil,
            descriptionSeed: rng.next(),
            descriptionLength: rng.int(in: 2_150...4_000),
            iCarolExtras: quirks.iCarol, facet: quirks.facet ? rng.pick(DirectoryGenerator.facetStrings) : nil,
            htmlMarkup: quirks.html, emptyPhone: quirks.emptyPhone, joinedLanguages: spoken.joined,
            numbersAsStrings: quirks.strings,
            noLocation: taxonomy.telehealth && rng.chance(Rates.noLocationOfTelehealth),
            noPhones: rng.chance(Rates.noPhones),
            noSchedule: rng.chance(Rates.noSchedule))
    }
}
