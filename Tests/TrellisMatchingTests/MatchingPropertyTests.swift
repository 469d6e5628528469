import PropertyBased
import Testing
import TrellisCore
@testable import TrellisMatching

/// Random directories and profiles from a seed: the property library picks seeds, and a failing
/// seed reproduces the whole case.
struct RandomCase {
    var services: [Service]
    var profile: NeedsProfile

    /// - Parameter spread: how far apart services are, as a share of a metropolitan area; a small one
    ///   packs hundreds into one grid cell, as a national directory's cities are.
    init(seed: UInt64, services count: Int = 120, spread: Double = 1) {
        var rng = SplitMix64(seed: seed)
        let categories: [NeedCategory] = [
            NeedCategory(.housing, "emergency_shelter"), NeedCategory(.housing), NeedCategory(.housing, "rental_assistance"),
            NeedCategory(.employment, "supported_employment"), NeedCategory(.employment, "job_search"),
            NeedCategory(.clinical, "counseling"), NeedCategory(.clinical, "crisis"), NeedCategory(.faith), NeedCategory(.peerSupport),
            NeedCategory(.familySupport, "caregiver_support"), NeedCategory(.familySupport), NeedCategory(.education, "literacy"),
            NeedCategory(.transportation, "transit_fare"), NeedCategory(.transportation), NeedCategory(.benefits, "insurance_enrollment"),
        ]
        services = (0..<count).map { i in
            let category = categories[rng.int(below: categories.count)]
            let located = rng.int(below: 10) > 0
            let point = Build.point(41.26 + spread * rng.unit(-0.6, 0.6), -95.94 + spread * rng.unit(-0.8, 0.8))
            return Build.service("S\(seed)-\(i)", category, at: located ? point : nil) { s in
                s.attributes.faithBased = rng.int(below: 6) == 0
                s.attributes.faithTradition = s.attributes.faithBased ? ["catholic", "lutheran"][rng.int(below: 2)] : nil
                s.attributes.housingFirst = rng.int(below: 3) == 0
                s.attributes.sobrietyRequired = !s.attributes.housingFirst && rng.int(below: 5) == 0
                s.attributes.ips = category.domain == .employment && rng.int(below: 2) == 0
                s.attributes.telehealth = rng.int(below: 8) == 0
                s.attributes.peerRun = rng.int(below: 5) == 0
                if rng.int(below: 4) == 0 { s.languages.append("es") }
                if rng.int(below: 5) == 0 { s.eligibility.minimumAge = [18, 25, 60][rng.int(below: 3)] }
                if rng.int(below: 8) == 0 { s.eligibility.genders = [[.male], [.female]][rng.int(below: 2)] }
                if rng.int(below: 6) == 0 { s.areasServed = [[.county("Douglas", state: "NE")], [.county("Sarpy", state: "NE")], [.state("IA")]][rng.int(below: 3)] }
                if rng.int(below: 10) == 0 { s.status = .inactive }
                if rng.int(below: 12) == 0 { s.availableForReferral = false }
                if rng.int(below: 3) == 0 { s.capacity = Capacity(available: rng.int(below: 5), waitlist: rng.int(below: 3) == 0 ? rng.int(below: 30) : nil) }
                s.lastVerified = CalendarDay(daysSinceEpoch: 19_000 + rng.int(below: 1_600))
                // Accessibility: stated present, stated absent, or not stated; trauma-informed care.
                if rng.int(below: 2) == 0 {
                    var access = ServiceAccessibility()
                    for feature in AccessibilityFeature.allCases {
                        switch rng.int(below: 4) {
                        case 0: access.offers.append(feature)
                        case 1: access.lacks.append(feature)
                        default: break
                        }
                    }
                    s.accessibility = access
                }
                s.attributes.traumaInformed = rng.int(below: 4) == 0
            }
        }
        let needs: [NeedsProfile.Need] = (0..<(1 + rng.int(below: 3))).map { _ in
            let c = categories[rng.int(below: categories.count)]
            return .init(c.domain, c.detail, urgency: NeedsProfile.Urgency.allCases[rng.int(below: 4)])
        }
        profile = Build.profile(needs) { p in
            p.person.age = 18 + rng.int(below: 60)
            p.person.languages = rng.int(below: 3) == 0 ? ["es", "en"] : ["en"]
            p.person.interpreterNeeded = rng.int(below: 4) == 0
            p.preferences.faithBased = rng.int(below: 2) == 0 ? .optIn : .notOffered
            p.preferences.faithTradition = rng.int(below: 2) == 0 ? "catholic" : nil
            p.preferences.maxDistanceKm = [5, 15, 40][rng.int(below: 3)]
            p.preferences.telehealthOK = rng.int(below: 2) == 0
            p.circumstances.activeSubstanceUse = rng.int(below: 2) == 0
            p.circumstances.justiceInvolved = rng.int(below: 3) == 0
            p.person.location = .coordinate(Build.point(41.26 + rng.unit(-0.3, 0.3), -95.94 + rng.unit(-0.3, 0.3)))
            p.preferences.accessibility = AccessibilityFeature.allCases.filter { _ in rng.int(below: 5) == 0 }
            p.preferences.traumaInformed = rng.int(below: 2) == 0
        }
    }
}

@Suite struct MatchingPropertyTests {
    static let seeds = Gen.int(in: 0...Int(Int32.max)).map { UInt64($0) }

    @Test func anExcludedServiceNeverAppears() async {
        await propertyCheck(count: 60, input: Self.seeds) { seed in
            let c = RandomCase(seed: seed)
            let index = DirectoryIndex(services: c.services)
            let matcher = Build.matcher()
            let outcome = try matcher.match(c.profile, in: index)
            for (n, group) in outcome.matches.enumerated() {
                for result in group.results {
                    let explanation = try #require(try matcher.explain(serviceID: result.serviceID, for: c.profile, in: index))
                    let forNeed = explanation.needs[n]
                    #expect(forNeed.offersThisNeed)
                    let excluded = forNeed.excludedBy?.code
                    // A last resort may appear, and only when no eligible service does.
                    #expect(excluded == nil || excluded == "sobriety_required_housing")
                }
            }
        }
    }

    @Test func resultsAreDeterministicWhateverTheDirectoryOrder() async {
        await propertyCheck(count: 40, input: Self.seeds) { seed in
            let c = RandomCase(seed: seed)
            let matcher = Build.matcher()
            let first = try matcher.match(c.profile, in: DirectoryIndex(services: c.services))
            let again = try matcher.match(c.profile, in: DirectoryIndex(services: c.services))
            let reversed = try matcher.match(c.profile, in: DirectoryIndex(services: c.services.reversed()))
            #expect(first == again)
            #expect(first == reversed)
        }
    }

    /// The seed on which the excluded count once depended on directory order (ties between
    /// blocks of equal bound were broken by position and hash order).
    @Test func theExcludedCountDoesNotDependOnDirectoryOrder() throws {
        let c = RandomCase(seed: 1_760_676_983)
        let forward = try Build.matcher().match(c.profile, in: DirectoryIndex(services: c.services))
        let reversed = try Build.matcher().match(c.profile, in: DirectoryIndex(services: c.services.reversed()))
        #expect(forward == reversed)
    }

    @Test func aFaithBasedResultNeverAppearsWithoutOptIn() async {
        await propertyCheck(count: 60, input: Self.seeds) { seed in
            var c = RandomCase(seed: seed)
            c.profile.preferences.faithBased = .notOffered
            let outcome = try Build.matcher().match(c.profile, in: DirectoryIndex(services: c.services))
            for group in outcome.matches where group.need.domain != .faith {
                #expect(group.results.allSatisfy { !$0.faithBased })
            }
        }
    }

    @Test func faithBasedResultsAlwaysHaveASecularAlternativeWhenOneFits() async {
        await propertyCheck(count: 60, input: Self.seeds) { seed in
            var c = RandomCase(seed: seed)
            c.profile.preferences.faithBased = .optIn
            let index = DirectoryIndex(services: c.services)
            let matcher = Build.matcher()
            let outcome = try matcher.match(c.profile, in: index, limit: 3)
            let everything = try matcher.match(c.profile, in: index, limit: 1_000)
            for (group, all) in zip(outcome.matches, everything.matches) where group.results.contains(where: \.faithBased) {
                if all.results.contains(where: { !$0.faithBased }) {
                    #expect(group.results.contains { !$0.faithBased })
                }
            }
        }
    }

    @Test func addingAnUnrelatedServiceNeverChangesOtherNeedsResults() async {
        await propertyCheck(count: 40, input: Self.seeds) { seed in
            let c = RandomCase(seed: seed)
            let matcher = Build.matcher()
            let before = try matcher.match(c.profile, in: DirectoryIndex(services: c.services))
            let used = Set(c.profile.needs.map(\.domain))
            guard let unrelated = NeedDomain.allCases.first(where: { !used.contains($0) }) else { return }
            let extra = Build.service("EXTRA-\(seed)", NeedCategory(unrelated), at: Build.omaha) { $0.capacity = Capacity(available: 9) }
            let after = try matcher.match(c.profile, in: DirectoryIndex(services: c.services + [extra]))
            #expect(before.matches == after.matches)
        }
    }

    /// The ring search stops early; it must return exactly what reading everything returns.
    @Test func theRingSearchAgreesWithAnExhaustiveScan() async {
        await propertyCheck(count: 60, input: Self.seeds) { seed in
            let c = RandomCase(seed: seed, services: 300)
            let index = DirectoryIndex(services: c.services)
            let fast = try Build.matcher().match(c.profile, in: index)
            let exhaustive = try Build.matcher { $0.exhaustiveSearch = true }.match(c.profile, in: index)
            #expect(fast.matches == exhaustive.matches)
        }
    }

    /// Dense cells are searched in chunks with their own bounds; still exactly what reading everything returns.
    @Test func theRingSearchAgreesWithAnExhaustiveScanInDenseCells() async {
        await propertyCheck(count: 25, input: Self.seeds) { seed in
            let c = RandomCase(seed: seed, services: 1_200, spread: 0.02)
            let index = DirectoryIndex(services: c.services)
            // Some cell was split: a chunk after the first is named "c<lat>:<lon>:<k>".
            #expect(index.categories.values.contains { $0.blocks.contains { $0.tieBreak.hasPrefix("c") && $0.tieBreak.split(separator: ":").count == 3 } })
            let fast = try Build.matcher().match(c.profile, in: index)
            let exhaustive = try Build.matcher { $0.exhaustiveSearch = true }.match(c.profile, in: index)
            #expect(fast.matches == exhaustive.matches)
        }
    }
}

extension MatchingPropertyTests {
    /// Services across many regions (a state's width): cells wait inside their regions, and the
    /// search still returns exactly what reading everything returns.
    @Test func theRingSearchAgreesWithAnExhaustiveScanAcrossRegions() async {
        await propertyCheck(count: 40, input: Self.seeds) { seed in
            let c = RandomCase(seed: seed, services: 400, spread: 12)
            let index = DirectoryIndex(services: c.services)
            #expect(index.categories.values.contains { $0.regions.count > 3 })
            let fast = try Build.matcher().match(c.profile, in: index)
            let exhaustive = try Build.matcher { $0.exhaustiveSearch = true }.match(c.profile, in: index)
            #expect(fast.matches == exhaustive.matches)
        }
    }
}

extension MatchingPropertyTests {
    /// Hundreds of telehealth services alike in every scored respect (a national directory's
    /// state-wide programs): they tie at the top, the search reads only those that could win the tie
    /// (nearer, or as near and first by id), and still returns exactly what reading everything returns.
    @Test func theSearchAgreesWithAnExhaustiveScanWhenHundredsTie() async {
        await propertyCheck(count: 40, input: Self.seeds) { seed in
            var c = RandomCase(seed: seed, services: 600)
            var rng = SplitMix64(seed: seed ^ 0x7469_6573)
            c.services = c.services.map { service in
                var s = service
                s.attributes.telehealth = rng.int(below: 4) > 0
                s.attributes.peerRun = false
                s.attributes.traumaInformed = false
                s.capacity = rng.int(below: 3) == 0 ? Capacity(available: 2) : nil
                s.languages = []
                s.accessibility = nil
                s.lastVerified = CalendarDay(daysSinceEpoch: 20_400)
                if rng.int(below: 3) == 0 { s.locations = [] }
                return s
            }
            c.profile.preferences.telehealthOK = true
            // Without a location every distance is unknown, and ties fall to the id.
            if rng.int(below: 2) == 0 { c.profile.person.location = nil }
            let index = DirectoryIndex(services: c.services)
            let fast = try Build.matcher().match(c.profile, in: index)
            let exhaustive = try Build.matcher { $0.exhaustiveSearch = true }.match(c.profile, in: index)
            #expect(fast.matches == exhaustive.matches)
        }
    }
}

extension MatchingPropertyTests {
    /// Thirty telehealth services alike but for their distance, the farthest first by id (so read
    /// first): the tie at the top goes to the nearest five, however the search met them.
    @Test func tiedTelehealthServicesRankNearestFirst() throws {
        let services = (0..<30).map { i in
            Build.service(String(format: "T%02d", i), at: Build.point(41.26 + Double(29 - i) * 0.05, -95.94)) { s in
                s.attributes.telehealth = true
            }
        }
        let profile = Build.profile { $0.preferences.telehealthOK = true }
        let index = DirectoryIndex(services: services)
        let fast = try Build.matcher().match(profile, in: index)
        let exhaustive = try Build.matcher { $0.exhaustiveSearch = true }.match(profile, in: index)
        #expect(fast.matches == exhaustive.matches)
        #expect(fast.matches.first?.results.map(\.serviceID) == ["T29", "T28", "T27", "T26", "T25"])
    }
}

extension MatchingPropertyTests {
    /// A need with a detail reads the domain's general services at their bound less the general-service
    /// penalty; a service that offers the detail and the domain both is in the detail's index at its
    /// full bound. Whatever the penalty (a bonus too), the same results as reading everything.
    @Test func generalServicesAreBoundedLessTheirPenalty() async {
        await propertyCheck(count: 40, input: Self.seeds) { seed in
            var c = RandomCase(seed: seed, services: 300)
            var rng = SplitMix64(seed: seed ^ 0x9E37)
            for i in c.services.indices {
                switch rng.int(below: 4) {
                case 0: c.services[i].categories = [NeedCategory(.housing)]
                case 1: c.services[i].categories = [NeedCategory(.housing, "emergency_shelter"), NeedCategory(.housing)]
                case 2: c.services[i].categories = [NeedCategory(.housing, "emergency_shelter")]
                default: break
                }
            }
            c.profile.needs[0] = .init(.housing, "emergency_shelter", urgency: NeedsProfile.Urgency.allCases[rng.int(below: 4)])
            let penalty = [-0.2, 0, 0.05, 0.3][rng.int(below: 4)]
            let index = DirectoryIndex(services: c.services)
            let fast = try Build.matcher { $0.configuration.generalServicePenalty = penalty }.match(c.profile, in: index)
            let exhaustive = try Build.matcher { $0.configuration.generalServicePenalty = penalty; $0.exhaustiveSearch = true }
                .match(c.profile, in: index)
            #expect(fast.matches == exhaustive.matches, "seed \(seed), penalty \(penalty)")
        }
    }
}
