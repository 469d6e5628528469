import PropertyBased
import Testing
import TrellisCore
@testable import TrellisMatching

/// Invariants of the new need domains, accessibility and the trauma-informed preference, over
/// random directories and profiles (`RandomCase`, which draws all of them).
@Suite struct AccessibilityPropertyTests {
    static let seeds = MatchingPropertyTests.seeds

    @Test func aServiceThatDoesNotServeTheDomainNeverRanksForIt() async {
        await propertyCheck(count: 60, input: Self.seeds) { seed in
            let c = RandomCase(seed: seed)
            let byID = Dictionary(uniqueKeysWithValues: c.services.map { ($0.id, $0) })
            let outcome = try Build.matcher().match(c.profile, in: DirectoryIndex(services: c.services))
            for group in outcome.matches {
                for result in group.results {
                    let service = try #require(byID[result.serviceID])
                    #expect(service.domains.contains(group.need.domain))
                }
            }
        }
    }

    @Test func aServiceKnownToLackANeededFeatureNeverAppears() async {
        await propertyCheck(count: 60, input: Self.seeds) { seed in
            let c = RandomCase(seed: seed)
            let byID = Dictionary(uniqueKeysWithValues: c.services.map { ($0.id, $0) })
            let outcome = try Build.matcher().match(c.profile, in: DirectoryIndex(services: c.services), limit: 50)
            for result in outcome.matches.flatMap(\.results) {
                let lacks = Set(byID[result.serviceID]?.accessibility?.lacks ?? [])
                #expect(lacks.isDisjoint(with: c.profile.preferences.accessibility))
            }
        }
    }

    /// Three twins of one random service, differing only in what they state of the person's
    /// access needs: the one stating them all ranks above the one stating nothing, and the one
    /// stating it lacks one is not listed.
    @Test func aServiceThatMeetsTheNeedsRanksAboveUnknownAndLackingIsLeftOut() async {
        await propertyCheck(count: 60, input: Self.seeds) { seed in
            var c = RandomCase(seed: seed, services: 40)
            if c.profile.preferences.accessibility.isEmpty { c.profile.preferences.accessibility = [.wheelchair] }
            let need = c.profile.needs[0]
            let needs = c.profile.preferences.accessibility
            var template = Build.service("T", NeedCategory(need.domain, need.detail), at: Build.east(3))
            template.accessibility = nil
            var has = template, unknown = template, lacking = template
            has.id = "TWIN-HAS"; unknown.id = "TWIN-UNKNOWN"; lacking.id = "TWIN-LACKS"
            has.accessibility = ServiceAccessibility(offers: needs)
            lacking.accessibility = ServiceAccessibility(offers: Array(needs.dropFirst()), lacks: [needs[0]])
            let outcome = try Build.matcher().match(c.profile, in: DirectoryIndex(services: c.services + [has, unknown, lacking]), limit: 200)
            let results = outcome.matches[0].results
            #expect(!results.contains { $0.serviceID == "TWIN-LACKS" })
            let hasScore = try #require(results.first { $0.serviceID == "TWIN-HAS" }?.score)
            let unknownScore = try #require(results.first { $0.serviceID == "TWIN-UNKNOWN" }?.score)
            #expect(hasScore > unknownScore)
        }
    }

    @Test func traumaInformedCareRanksHigherOnlyWhenPreferred() async {
        await propertyCheck(count: 40, input: Self.seeds) { seed in
            var c = RandomCase(seed: seed, services: 40)
            let need = c.profile.needs[0]
            var plain = Build.service("PLAIN", NeedCategory(need.domain, need.detail), at: Build.east(3))
            plain.accessibility = ServiceAccessibility(offers: AccessibilityFeature.allCases)
            var informed = plain
            informed.id = "INFORMED"
            informed.attributes.traumaInformed = true
            for preferred in [true, false] {
                c.profile.preferences.traumaInformed = preferred
                let outcome = try Build.matcher().match(c.profile, in: DirectoryIndex(services: c.services + [plain, informed]), limit: 200)
                let score = { (id: String) in outcome.matches[0].results.first { $0.serviceID == id }?.score }
                let a = try #require(score("INFORMED")), b = try #require(score("PLAIN"))
                #expect(preferred ? a > b : a == b)
            }
        }
    }
}
