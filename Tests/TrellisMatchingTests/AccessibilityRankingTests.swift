import Testing
import TrellisCore
@testable import TrellisMatching

/// The rules of docs/matching.md, "Accessibility, trauma-informed care and the new domains", one row each.
@Suite struct AccessibilityRankingTests {
    struct AccessRow: CustomTestStringConvertible, Sendable {
        var name: String
        var needs: [AccessibilityFeature]
        var service: ServiceAccessibility?
        var languages: [String] = ["en"]
        /// The exclusion code, or nil when the service is listed.
        var excluded: String?
        /// The accessibility reason listed, and its contribution (weight 0.15 × share met).
        var reason: String?
        var contribution: Double = 0
        var callAhead = false
        var testDescription: String { name }
    }

    static let accessRows: [AccessRow] = [
        AccessRow(name: "no access needs: no accessibility reason", needs: [], service: ServiceAccessibility(lacks: [.wheelchair])),
        AccessRow(name: "stated lacking: excluded", needs: [.wheelchair], service: ServiceAccessibility(lacks: [.wheelchair]),
                  excluded: "accessibility_not_met"),
        AccessRow(name: "one of two lacking: excluded", needs: [.wheelchair, .largePrint],
                  service: ServiceAccessibility(offers: [.wheelchair], lacks: [.largePrint]), excluded: "accessibility_not_met"),
        AccessRow(name: "met: full bonus", needs: [.wheelchair], service: ServiceAccessibility(offers: [.wheelchair]),
                  reason: "accessibility_met", contribution: 0.15),
        AccessRow(name: "not stated: nothing added, call ahead", needs: [.wheelchair], service: nil,
                  reason: "accessibility_unknown", contribution: 0, callAhead: true),
        AccessRow(name: "other features stated: unknown for this one", needs: [.braille], service: ServiceAccessibility(offers: [.wheelchair]),
                  reason: "accessibility_unknown", contribution: 0, callAhead: true),
        AccessRow(name: "half met: half the bonus, call ahead", needs: [.wheelchair, .hearingLoop], service: ServiceAccessibility(offers: [.hearingLoop]),
                  reason: "accessibility_partial", contribution: 0.075, callAhead: true),
        AccessRow(name: "ASL among its languages meets sign language", needs: [.signLanguage], service: nil, languages: ["en", "ase"],
                  reason: "accessibility_met", contribution: 0.15),
        AccessRow(name: "a lacking feature the person does not need is no matter", needs: [.largePrint],
                  service: ServiceAccessibility(offers: [.largePrint], lacks: [.wheelchair]), reason: "accessibility_met", contribution: 0.15),
    ]

    @Test(arguments: accessRows)
    func accessibility(_ row: AccessRow) throws {
        let service = Build.service("A") { $0.accessibility = row.service; $0.languages = row.languages }
        let profile = Build.profile { $0.preferences.accessibility = row.needs }
        #expect(try Build.exclusion(service, profile) == row.excluded)
        guard row.excluded == nil else {
            #expect(try Build.match([service], profile).matches[0].results.isEmpty)
            return
        }
        let result = try #require(try Build.match([service], profile).matches[0].results.first)
        let reason = result.reasons.first { $0.code.hasPrefix("accessibility") }
        #expect(reason?.code == row.reason)
        #expect(abs((reason?.weight ?? 0) - row.contribution) < 1e-9)
        #expect(result.warnings.contains { $0.code == "accessibility_unknown" } == row.callAhead)
    }

    @Test func unknownAccessibilityReadsCallAhead() throws {
        let profile = Build.profile { $0.preferences.accessibility = [.wheelchair] }
        let result = try #require(try Build.match([Build.service("A")], profile).matches[0].results.first)
        let reason = try #require(result.reasons.first { $0.code == "accessibility_unknown" })
        #expect(reason.text == "Accessibility not stated (wheelchair access) — call ahead")
    }

    struct TraumaRow: CustomTestStringConvertible, Sendable {
        var name: String
        var preferred: Bool
        var attribute = false
        var description: String? = nil
        var bonus: Bool
        var testDescription: String { name }
    }

    static let traumaRows: [TraumaRow] = [
        TraumaRow(name: "taxonomy attribute, preferred", preferred: true, attribute: true, bonus: true),
        TraumaRow(name: "\"trauma-informed\" in the description", preferred: true, description: "A trauma-informed drop-in centre.", bonus: true),
        TraumaRow(name: "Seeking Safety groups", preferred: true, description: "Weekly Seeking Safety groups.", bonus: true),
        TraumaRow(name: "TF-CBT", preferred: true, description: "Offers TF-CBT for young adults.", bonus: true),
        TraumaRow(name: "not stated", preferred: true, description: "Counseling for adults.", bonus: false),
        TraumaRow(name: "stated but not preferred", preferred: false, attribute: true, bonus: false),
    ]

    @Test(arguments: traumaRows)
    func traumaInformed(_ row: TraumaRow) throws {
        let service = Build.service("T") { $0.attributes.traumaInformed = row.attribute; $0.description = row.description }
        let profile = Build.profile { $0.preferences.traumaInformed = row.preferred }
        let result = try #require(try Build.match([service], profile).matches[0].results.first)
        let preference = result.reasons.first { $0.code == "preference_match" }
        #expect((preference?.weight ?? 0) == (row.bonus ? 0.1 : 0))
        #expect((preference?.text.contains("Trauma-informed care, as preferred") ?? false) == row.bonus)
    }

    @Test func providerGenderIsANoteNeverAFilter() throws {
        let services = (1...3).map { Build.service("G\($0)", at: Build.east(Double($0))) }
        for gender in Gender.allCases {
            let profile = Build.profile { $0.preferences.providerGender = gender }
            let outcome = try Build.match(services, profile)
            #expect(Build.ids(outcome) == ["G1", "G2", "G3"])
            #expect(outcome.excluded == 0)
            let explanation = try #require(try Build.matcher().explain(serviceID: "G1", for: profile, in: DirectoryIndex(services: services)))
            #expect(explanation.needs[0].breakdown.contains { $0.code == "provider_gender_unknown" && $0.weight == 0 })
        }
    }

    struct DomainRow: CustomTestStringConvertible, Sendable {
        var need: NeedsProfile.Need
        var offered: NeedCategory
        var listed: Bool
        var testDescription: String { "\(need.category) answered by \(offered): \(listed)" }
    }

    static let domainRows: [DomainRow] = [
        DomainRow(need: .init(.familySupport, "caregiver_support"), offered: NeedCategory(.familySupport, "caregiver_support"), listed: true),
        DomainRow(need: .init(.familySupport, "psychoeducation"), offered: NeedCategory(.familySupport), listed: true),
        DomainRow(need: .init(.familySupport, "family_peer_support"), offered: NeedCategory(.peerSupport), listed: false),
        DomainRow(need: .init(.education, "high_school_equivalency"), offered: NeedCategory(.education, "high_school_equivalency"), listed: true),
        DomainRow(need: .init(.education, "literacy"), offered: NeedCategory(.education, "tutoring"), listed: false),
        DomainRow(need: .init(.education), offered: NeedCategory(.education, "college"), listed: true),
        DomainRow(need: .init(.transportation, "transit_fare"), offered: NeedCategory(.transportation), listed: true),
        DomainRow(need: .init(.transportation, "medical_transportation"), offered: NeedCategory(.clinical), listed: false),
        DomainRow(need: .init(.benefits, "insurance_enrollment"), offered: NeedCategory(.benefits, "insurance_enrollment"), listed: true),
        DomainRow(need: .init(.benefits, "income_support"), offered: NeedCategory(.employment, "job_search"), listed: false),
        DomainRow(need: .init(.benefits, "income_support", urgency: .crisis), offered: NeedCategory(.benefits, "food_benefits"), listed: false),
    ]

    @Test(arguments: domainRows)
    func newDomains(_ row: DomainRow) throws {
        let outcome = try Build.match([Build.service("D", row.offered)], Build.profile([row.need]))
        #expect(Build.ids(outcome) == (row.listed ? ["D"] : []))
    }

    @Test func everyDomainHasATitleAndItsDetailsAreDistinct() {
        for domain in NeedDomain.allCases {
            #expect(!domain.title.isEmpty)
            #expect(Set(domain.details.map(\.value)).count == domain.details.count)
        }
        #expect(NeedDomain.allCases.count == 9)
    }
}
