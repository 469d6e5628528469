import PropertyBased
import Testing
import TrellisCore
@testable import TrellisMatching

/// Random directories and profiles from a seed: the property library picks seeds, and a failing
/// seed reproduces the whole case.
struct RandomCase {
    var services: [Service]
    var profile: NeedsProfile

    init(seed: UInt64, services count: Int = 120) {
        var rng = SplitMix(seed)
        let categories: [NeedCategory] = [
            NeedCategory(.housing, "emergency_shelter"), NeedCategory(.housing), NeedCategory(.housing, "rental_assistance"),
            NeedCategory(.employment, "supported_employment"), NeedCategory(.employment, "job_search"),
            NeedCategory(.clinical, "counseling"), NeedCategory(.clinical, "crisis"), NeedCategory(.faith), NeedCategory(.peerSupport),
        ]
        services = (0..<count).map { i in
            let category = categories[rng.below(categories.count)]
            let located = rng.below(10) > 0
            let point = Build.point(41.26 + rng.unit(-0.6, 0.6), -95.94 + rng.unit(-0.8, 0.8))
            return Build.service("S\(seed)-\(i)", category, at: located ? point : nil) { s in
                s.attributes.faithBased = rng.below(6) == 0
                s.attributes.faithTradition = s.attributes.faithBased ? ["catholic", "lutheran"][rng.below(2)] : nil
                s.attributes.housingFirst = rng.below(3) == 0
                s.attributes.sobrietyRequired = !s.attributes.housingFirst && rng.below(5) == 0
                s.attributes.ips = category.domain == .employment && rng.below(2) == 0
                s.attributes.telehealth = rng.below(8) == 0
                s.attributes.peerRun = rng.below(5) == 0
                if rng.below(4) == 0 { s.languages.append("es") }
                if rng.below(5) == 0 { s.eligibility.minimumAge = [18, 25, 60][rng.below(3)] }
                if rng.below(8) == 0 { s.eligibility.genders = [[.male], [.female]][rng.below(2)] }
                if rng.below(6) == 0 { s.areasServed = [[.county("Douglas", state: "NE")], [.county("Sarpy", state: "NE")], [.state("IA")]][rng.below(3)] }
                if rng.below(10) == 0 { s.status = .inactive }
                if rng.below(12) == 0 { s.availableForReferral = false }
                if rng.below(3) == 0 { s.capacity = Capacity(available: rng.below(5), waitlist: rng.below(3) == 0 ? rng.below(30) : nil) }
                s.lastVerified = CalendarDay(daysSinceEpoch: 19_000 + rng.below(1_600))
            }
        }
        let needs: [NeedsProfile.Need] = (0..<(1 + rng.below(3))).map { _ in
            let c = categories[rng.below(categories.count)]
            return .init(c.domain, c.detail, urgency: NeedsProfile.Urgency.allCases[rng.below(4)])
        }
        profile = Build.profile(needs) { p in
            p.person.age = 18 + rng.below(60)
            p.person.languages = rng.below(3) == 0 ? ["es", "en"] : ["en"]
            p.person.interpreterNeeded = rng.below(4) == 0
            p.preferences.faithBased = rng.below(2) == 0 ? .optIn : .notOffered
            p.preferences.faithTradition = rng.below(2) == 0 ? "catholic" : nil
            p.preferences.maxDistanceKm = [5, 15, 40][rng.below(3)]
            p.preferences.telehealthOK = rng.below(2) == 0
            p.circumstances.activeSubstanceUse = rng.below(2) == 0
            p.circumstances.justiceInvolved = rng.below(3) == 0
            p.person.location = .coordinate(Build.point(41.26 + rng.unit(-0.3, 0.3), -95.94 + rng.unit(-0.3, 0.3)))
        }
    }
}

struct SplitMix {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func unit(_ low: Double, _ high: Double) -> Double { low + (high - low) * Double(next() >> 11) / Double(1 << 53) }
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
}
