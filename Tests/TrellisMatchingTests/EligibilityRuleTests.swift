import Testing
import TrellisCore
@testable import TrellisMatching

/// Each hard rule, on a one-service directory: the code of the rule that excludes, or nil.
@Suite struct EligibilityRuleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var service: @Sendable (inout Service) -> Void
        var profile: @Sendable (inout NeedsProfile) -> Void = { _ in }
        var need: NeedsProfile.Need = .init(.housing, "emergency_shelter", urgency: .urgent)
        var excludedBy: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "an ordinary service fits", service: { _ in }, excludedBy: nil),
        Case(name: "inactive", service: { $0.status = .inactive }, excludedBy: "inactive"),
        Case(name: "not taking referrals", service: { $0.availableForReferral = false }, excludedBy: "not_available_for_referral"),
        Case(name: "faith-based without opt-in", service: { $0.attributes.faithBased = true }, excludedBy: "faith_not_opted_in"),
        Case(name: "faith-based with opt-in", service: { $0.attributes.faithBased = true },
             profile: { $0.preferences.faithBased = .optIn }, excludedBy: nil),
        Case(name: "a faith need is itself an opt-in", service: { $0.categories = [NeedCategory(.faith)]; $0.attributes.faithBased = true },
             need: .init(.faith), excludedBy: nil),
        Case(name: "too young", service: { $0.eligibility.minimumAge = 40 }, excludedBy: "age_below_minimum"),
        Case(name: "too old", service: { $0.eligibility.maximumAge = 24 }, excludedBy: "age_above_maximum"),
        Case(name: "age inside the range", service: { $0.eligibility.minimumAge = 18; $0.eligibility.maximumAge = 64 }, excludedBy: nil),
        Case(name: "no age in the profile is not an exclusion", service: { $0.eligibility.minimumAge = 40 },
             profile: { $0.person.age = nil }, excludedBy: nil),
        Case(name: "men only", service: { $0.eligibility.genders = [.male] }, excludedBy: "gender_not_served"),
        Case(name: "women only", service: { $0.eligibility.genders = [.female] }, excludedBy: nil),
        Case(name: "veterans only", service: { $0.eligibility.requirements = ["Veterans only (DD-214 required)"] }, excludedBy: "veterans_only"),
        Case(name: "veterans only, for a veteran", service: { $0.eligibility.requirements = ["Veterans only"] },
             profile: { $0.person.veteran = true }, excludedBy: nil),
        Case(name: "another county", service: { $0.areasServed = [.county("Sarpy", state: "NE")] }, excludedBy: "outside_area_served"),
        Case(name: "county in capitals", service: { $0.areasServed = [.county("DOUGLAS", state: nil)] }, excludedBy: nil),
        Case(name: "county written with County", service: { $0.areasServed = [.county("Douglas County", state: "ne")] }, excludedBy: nil),
        Case(name: "the person's county written with its state", service: { $0.areasServed = [.county("Douglas", state: "NE")] },
             profile: { $0.person.county = "Douglas County, Nebraska"; $0.person.state = nil }, excludedBy: nil),
        Case(name: "the person's county in another state", service: { $0.areasServed = [.county("Douglas", state: "NE")] },
             profile: { $0.person.county = "Douglas, OR"; $0.person.state = nil; $0.person.location = nil }, excludedBy: "outside_area_served"),
        Case(name: "a county abbreviated Co.", service: { $0.areasServed = [.county("Douglas Co.", state: nil)] }, excludedBy: nil),
        Case(name: "another state", service: { $0.areasServed = [.state("IA")] }, excludedBy: "outside_area_served"),
        Case(name: "the person's ZIP", service: { $0.areasServed = [.postalCode("68102")] }, excludedBy: nil),
        Case(name: "another ZIP", service: { $0.areasServed = [.postalCode("68005")] }, excludedBy: "outside_area_served"),
        Case(name: "outside a radius", service: { $0.areasServed = [.radius(center: Build.east(50), kilometres: 10)] }, excludedBy: "outside_area_served"),
        Case(name: "inside a radius", service: { $0.areasServed = [.radius(center: Build.east(5), kilometres: 10)] }, excludedBy: nil),
        Case(name: "anywhere", service: { $0.areasServed = [.anywhere] }, excludedBy: nil),
        Case(name: "a city the profile cannot be compared with", service: { $0.areasServed = [.city("Omaha", state: "NE")] }, excludedBy: nil),
        Case(name: "income over the limit", service: { $0.eligibility.monthlyIncomeLimit = 800 }, excludedBy: "income_over_limit"),
        Case(name: "income under the limit", service: { $0.eligibility.monthlyIncomeLimit = 2500 }, excludedBy: nil),
        // A request's number beyond any whole number is explained, never converted with a trap.
        Case(name: "an income too large for a whole number", service: { $0.eligibility.monthlyIncomeLimit = 800 },
             profile: { $0.person.monthlyIncome = 1e300 }, excludedBy: "income_over_limit"),
        Case(name: "payment the person lacks", service: { $0.eligibility.paymentAccepted = ["medicare", "private insurance"] },
             excludedBy: "payment_not_accepted"),
        Case(name: "payment the person has", service: { $0.eligibility.paymentAccepted = ["Medicaid", "Medicare"] }, excludedBy: nil),
        Case(name: "sliding scale takes anyone", service: { $0.eligibility.paymentAccepted = ["medicare", "sliding scale"] }, excludedBy: nil),
        Case(name: "no payment required takes anyone", service: { $0.eligibility.paymentAccepted = ["None required"] }, excludedBy: nil),
        Case(name: "cash or check takes anyone", service: { $0.eligibility.paymentAccepted = ["Cash", "Check"] }, excludedBy: nil),
        Case(name: "private insurance only", service: { $0.eligibility.paymentAccepted = ["Private insurance", "Medicare"] },
             excludedBy: "payment_not_accepted"),
        Case(name: "criminal record screen", service: { $0.eligibility.requirements = ["No felony convictions"] },
             profile: { $0.circumstances.justiceInvolved = true }, excludedBy: "criminal_record_screen"),
        Case(name: "sobriety for a job program", service: { $0.categories = [NeedCategory(.employment, "job_search")]; $0.eligibility.requirements = ["Must be clean and sober 30 days"] },
             profile: { $0.circumstances.activeSubstanceUse = true }, need: .init(.employment, "job_search"), excludedBy: "sobriety_required"),
        Case(name: "IPS zero exclusion: sobriety text", service: {
                 $0.categories = [NeedCategory(.employment, "supported_employment")]; $0.attributes.ips = true
                 $0.eligibility.requirements = ["Must be clean and sober 30 days"]
             },
             profile: { $0.circumstances.activeSubstanceUse = true }, need: .init(.employment, "supported_employment"), excludedBy: nil),
        Case(name: "IPS zero exclusion: justice history", service: {
                 $0.categories = [NeedCategory(.employment, "supported_employment")]; $0.attributes.ips = true
                 $0.eligibility.requirements = ["Background check; no felony convictions"]
             },
             profile: { $0.circumstances.justiceInvolved = true }, need: .init(.employment, "supported_employment"), excludedBy: nil),
        Case(name: "Housing First: sobriety-required housing is a last resort", service: { $0.attributes.sobrietyRequired = true },
             profile: { $0.circumstances.activeSubstanceUse = true }, excludedBy: "sobriety_required_housing"),
        Case(name: "sobriety-required housing for a person not in use", service: { $0.attributes.sobrietyRequired = true }, excludedBy: nil),
    ]

    @Test(arguments: cases)
    func rule(_ c: Case) throws {
        let service = Build.service("S1", c.need.category) { c.service(&$0) }
        let profile = Build.profile([c.need]) { c.profile(&$0) }
        #expect(try Build.exclusion(service, profile) == c.excludedBy)
        let outcome = try Build.match([service], profile)
        let listed = Build.ids(outcome).contains("S1")
        // A last resort is listed (last) when nothing else exists; every other exclusion is never listed.
        #expect(listed == (c.excludedBy == nil || c.excludedBy == "sobriety_required_housing"))
    }

    @Test func everyExclusionHasAReadableReason() throws {
        let service = Build.service("S1") { $0.eligibility.minimumAge = 40; $0.eligibility.maximumAge = 60 }
        let explanation = try #require(try Build.matcher().explain(serviceID: "S1", for: Build.profile(), in: DirectoryIndex(services: [service])))
        #expect(explanation.needs[0].excludedBy?.text == "Serves ages 40–60; the person is 34")
    }

    @Test func aServiceOutsideTheNeedSaysWhatItOffers() throws {
        let service = Build.service("S1", NeedCategory(.peerSupport))
        let explanation = try #require(try Build.matcher().explain(serviceID: "S1", for: Build.profile(), in: DirectoryIndex(services: [service])))
        #expect(explanation.needs[0].offersThisNeed == false)
        #expect(explanation.needs[0].excludedBy?.code == "not_this_need")
    }
}
