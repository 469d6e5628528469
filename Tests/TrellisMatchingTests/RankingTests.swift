import Foundation
import Testing
import TrellisCore
@testable import TrellisMatching

@Suite struct RankingTests {
    @Test func housingFirstListsSobrietyHousingLastOnlyWhenNothingElseFits() throws {
        let soberOnly = Build.service("SOBER") { $0.attributes.sobrietyRequired = true }
        let inUse = Build.profile { $0.circumstances.activeSubstanceUse = true }

        let alone = try Build.match([soberOnly], inUse)
        #expect(Build.ids(alone) == ["SOBER"])
        #expect(alone.matches[0].results[0].warnings.first?.code == "sobriety_required")

        let open = Build.service("OPEN", at: Build.east(20)) { $0.attributes.housingFirst = true }
        let withOther = try Build.match([soberOnly, open], inUse)
        #expect(Build.ids(withOther) == ["OPEN"])
    }

    @Test func crisisServicesComeFirstWhateverTheirDistance() throws {
        let nearCounseling = Build.service("NEAR", NeedCategory(.clinical, "counseling"), at: Build.east(1))
        let farCrisis = Build.service("CRISIS", NeedCategory(.clinical, "crisis"), at: Build.east(120))
        let crisis = Build.profile([.init(.clinical, "counseling", urgency: .crisis)])
        let outcome = try Build.match([nearCounseling, farCrisis], crisis)
        #expect(Build.ids(outcome) == ["CRISIS", "NEAR"])
        #expect(outcome.matches[0].results[0].reasons.contains { $0.code == "crisis_service" })

        let routine = Build.profile([.init(.clinical, "counseling", urgency: .soon)])
        #expect(Build.ids(try Build.match([nearCounseling, farCrisis], routine)) == ["NEAR"])
    }

    @Test func faithBasedChoicesStandBesideASecularAlternative() throws {
        let faith = (1...3).map { i in
            Build.service("FAITH\(i)", at: Build.east(Double(i))) {
                $0.attributes.faithBased = true
                $0.attributes.faithTradition = "catholic"
                $0.capacity = Capacity(available: 5)
            }
        }
        let secular = Build.service("SECULAR", at: Build.east(40))
        let optIn = Build.profile { $0.preferences.faithBased = .optIn; $0.preferences.faithTradition = "catholic" }
        let outcome = try Build.match(faith + [secular], optIn, limit: 3)
        #expect(outcome.matches[0].results.count == 3)
        #expect(Build.ids(outcome).contains("SECULAR"))
        #expect(outcome.matches[0].results.last?.reasons.first?.code == "secular_alternative")

        let notOptedIn = try Build.match(faith + [secular], Build.profile(), limit: 3)
        #expect(Build.ids(notOptedIn) == ["SECULAR"])
    }

    @Test func distanceDecaysPastTheMaximumAndTelehealthIsNotHeldBack() throws {
        let near = Build.service("NEAR", at: Build.east(2))
        let far = Build.service("FAR", at: Build.east(60))
        let virtual = Build.service("VIRTUAL", at: Build.east(300)) { $0.attributes.telehealth = true }
        let profile = Build.profile { $0.preferences.maxDistanceKm = 15; $0.preferences.telehealthOK = true }
        let outcome = try Build.match([far, virtual, near], profile)
        #expect(Build.ids(outcome) == ["NEAR", "VIRTUAL", "FAR"] || Build.ids(outcome) == ["VIRTUAL", "NEAR", "FAR"])
        let farResult = try #require(outcome.matches[0].results.first { $0.serviceID == "FAR" })
        #expect(farResult.warnings.contains { $0.code == "beyond_travel_distance" })
        #expect(ScoreCard.distanceValue(0, maximum: 15) == 1)
        #expect(ScoreCard.distanceValue(15, maximum: 15) == 0.5)
        #expect(ScoreCard.distanceValue(22.5, maximum: 15) == 0)
        #expect(ScoreCard.distanceValue(30, maximum: 15) == -0.5)
    }

    @Test func aLanguageMatchOutweighsDistanceWhenAnInterpreterIsNeeded() throws {
        let englishNear = Build.service("EN", at: Build.east(1))
        let spanishFarther = Build.service("ES", at: Build.east(8)) { $0.languages = ["en", "es"] }
        var profile = Build.profile { $0.person.languages = ["es", "en"]; $0.person.interpreterNeeded = true }
        #expect(Build.ids(try Build.match([englishNear, spanishFarther], profile)).first == "ES")
        let result = try Build.match([englishNear, spanishFarther], profile).matches[0].results
        #expect(result.first?.reasons.contains { $0.code == "language_match" && $0.text == "Offers services in Spanish" } == true)
        profile.person.interpreterNeeded = false
        profile.person.languages = ["en"]
        #expect(Build.ids(try Build.match([englishNear, spanishFarther], profile)).first == "EN")
    }

    @Test func openPlacesRankAboveAWaitlist() throws {
        let waitlist = Build.service("WAIT") { $0.capacity = Capacity(available: 0, waitlist: 30) }
        let open = Build.service("OPEN") { $0.capacity = Capacity(available: 3, maximum: 20) }
        let unknown = Build.service("UNKNOWN")
        let outcome = try Build.match([waitlist, unknown, open], Build.profile())
        #expect(Build.ids(outcome) == ["OPEN", "UNKNOWN", "WAIT"])
        #expect(outcome.matches[0].results.last?.warnings.contains { $0.code == "waitlist" } == true)
    }

    /// Capacity reported more than 30 days ago counts as unknown: a month-old "3 places open" no longer
    /// lifts a service over one whose capacity is simply not reported, and a month-old waitlist no longer
    /// holds one down.
    @Test func capacityReportedLongAgoCountsAsUnknown() throws {
        let longAgo = Build.today.adding(days: -(ScoreCard.staleCapacityDays + 1))
        let staleOpen = Build.service("STALE-OPEN") { $0.capacity = Capacity(available: 3, updated: longAgo) }
        let staleWait = Build.service("STALE-WAIT") { $0.capacity = Capacity(available: 0, waitlist: 30, updated: longAgo) }
        let freshOpen = Build.service("FRESH-OPEN") { $0.capacity = Capacity(available: 3, updated: Build.today.adding(days: -2)) }
        let unknown = Build.service("UNKNOWN")
        let outcome = try Build.match([staleOpen, unknown, staleWait, freshOpen], Build.profile())
        #expect(Build.ids(outcome) == ["FRESH-OPEN", "STALE-OPEN", "STALE-WAIT", "UNKNOWN"], "stale ones tie with unknown, broken by id")
        let stale = try #require(outcome.matches[0].results.first { $0.serviceID == "STALE-OPEN" })
        #expect(stale.reasons.contains { $0.code == "capacity_stale" })
    }

    @Test func staleRecordsAreWarnedAndScoredDown() throws {
        let stale = Build.service("STALE") { $0.lastVerified = CalendarDay(year: 2023, month: 1, day: 5) }
        let never = Build.service("NEVER") { $0.lastVerified = nil }
        let fresh = Build.service("FRESH")
        let outcome = try Build.match([stale, never, fresh], Build.profile())
        #expect(Build.ids(outcome).first == "FRESH")
        let warnings = outcome.matches[0].results.flatMap(\.warnings).map(\.code)
        #expect(warnings.contains("stale") && warnings.contains("never_verified"))
    }

    @Test func programFidelityRanksIPSByItsRating() throws {
        let need = NeedsProfile.Need(.employment, "supported_employment")
        let exemplary = Build.service("EXEMPLARY", need.category, at: Build.east(6)) { $0.attributes.ips = true; $0.attributes.ipsFidelity = .exemplary }
        let fair = Build.service("FAIR", need.category, at: Build.east(6)) { $0.attributes.ips = true; $0.attributes.ipsFidelity = .fair }
        let plain = Build.service("PLAIN", need.category, at: Build.east(6))
        #expect(Build.ids(try Build.match([plain, fair, exemplary], Build.profile([need]))) == ["EXEMPLARY", "FAIR", "PLAIN"])
    }

    @Test func agencyResponsivenessCountsAndUnknownIsNeutral() throws {
        let a = Build.service("A"), b = Build.service("B"), c = Build.service("C")
        let index = DirectoryIndex(services: [a, b, c], responsiveness: [
            "ORG-A": Responsiveness(acceptanceRate: 0.2, medianHoursToAnswer: 120, referrals: 30),
            "ORG-C": Responsiveness(acceptanceRate: 0.9, medianHoursToAnswer: 6, referrals: 30),
        ])
        let outcome = try Build.matcher().match(Build.profile(), in: index)
        #expect(Build.ids(outcome) == ["C", "B", "A"])
        #expect(outcome.matches[0].results[0].reasons.contains { $0.code == "responsive_agency" })
    }

    @Test func responsivenessFiguresCanArriveAfterTheIndexIsBuilt() throws {
        let index = DirectoryIndex(services: [Build.service("A"), Build.service("B")])
        #expect(Build.ids(try Build.matcher().match(Build.profile(), in: index)) == ["A", "B"])
        let fed = index.withResponsiveness(["ORG-B": Responsiveness(acceptanceRate: 0.95, medianHoursToAnswer: 4, referrals: 40)])
        #expect(Build.ids(try Build.matcher().match(Build.profile(), in: fed)) == ["B", "A"])
        #expect(fed.contains(serviceID: "A") && !fed.contains(serviceID: "Z"))
    }

    @Test func tiesBreakByDistanceThenByID() throws {
        let services = [Build.service("B", at: Build.east(3)), Build.service("A", at: Build.east(3)), Build.service("C", at: Build.east(2))]
        let outcome = try Build.match(services, Build.profile { $0.preferences.maxDistanceKm = 1_000_000 })
        #expect(Build.ids(outcome) == ["C", "A", "B"])
    }

    @Test func exactDetailsLeadGeneralServices() throws {
        let general = Build.service("GENERAL", NeedCategory(.housing))
        let exact = Build.service("EXACT")
        let outcome = try Build.match([general, exact], Build.profile())
        #expect(Build.ids(outcome) == ["EXACT", "GENERAL"])
    }

    @Test func aPostalCodeLocatesThePerson() throws {
        let service = Build.service("S", at: Build.point(41.2626, -95.9312))
        let profile = Build.profile { $0.person.location = .postalCode("68102") }
        let result = try #require(try Build.match([service], profile).matches[0].results.first)
        #expect((result.distanceKm ?? 99) < 0.1)
    }

    @Test func anUnknownPostalCodeIsAClearError() {
        let profile = Build.profile { $0.person.location = .postalCode("99999") }
        #expect(throws: ProfileError.self) { try Build.match([Build.service("S")], profile) }
        do {
            _ = try Build.match([Build.service("S")], profile)
        } catch let error as ProfileError {
            #expect(error.field == "person.location.postal_code")
            #expect(error.message.contains("unknown postal code \"99999\""))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func anUnknownDetailIsRefused() throws {
        let matcher = Build.matcher { $0.knownDetails = [.housing: ["emergency_shelter"]] }
        let profile = Build.profile([.init(.housing, "shelter")])
        #expect {
            try matcher.match(profile, in: DirectoryIndex(services: []))
        } throws: { error in
            (error as? ProfileError)?.field == "needs[0].detail"
        }
    }

    @Test func reloadingSwapsTheIndexWithoutBlockingReaders() async throws {
        let live = LiveDirectoryIndex(DirectoryIndex(services: [Build.service("OLD")]))
        let matcher = Build.matcher()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<200 {
                        let ids = Build.ids(try matcher.match(Build.profile(), in: live.snapshot))
                        #expect(ids == ["OLD"] || ids == ["NEW"])
                    }
                }
            }
            group.addTask {
                live.replace(with: DirectoryIndex(services: [Build.service("NEW")]))
            }
            try await group.waitForAll()
        }
        #expect(Build.ids(try matcher.match(Build.profile(), in: live.snapshot)) == ["NEW"])
    }
}

@Suite struct NeedsProfileDecodingTests {
    static let example = """
    {"person": {"ref": "P-1042", "age": 34, "gender": "female", "languages": ["es", "en"],
                "interpreter_needed": true, "location": {"latitude": 41.26, "longitude": -95.94},
                "county": "Douglas", "insurance": ["medicaid"], "monthly_income": 900,
                "household_size": 1, "veteran": false},
     "circumstances": {"chronically_homeless": true, "active_substance_use": true,
                       "justice_involved": false, "serious_mental_illness": true, "disability": false},
     "needs": [{"domain": "housing", "detail": "emergency_shelter", "urgency": "urgent"},
               {"domain": "employment", "detail": "supported_employment", "urgency": "routine"},
               {"domain": "clinical", "detail": "counseling", "urgency": "soon"}],
     "preferences": {"faith_based": "opt_in", "faith_tradition": "catholic", "max_distance_km": 15,
                     "telehealth_ok": true, "peer_run_preferred": true, "provider_gender": null,
                     "notes": ""}}
    """

    @Test func theContractExampleDecodes() throws {
        let profile = try JSONDecoder().decode(NeedsProfile.self, from: Data(Self.example.utf8))
        #expect(profile.person.languages == ["es", "en"])
        #expect(profile.needs.count == 3 && profile.needs[0].urgency == .urgent)
        #expect(profile.preferences.faithBased == .optIn && profile.preferences.maxDistanceKm == 15)
        #expect(profile.circumstances.activeSubstanceUse)
        #expect(profile.person.location == .coordinate(Build.point(41.26, -95.94)))
    }

    @Test(arguments: [
        (#""age": 34"#, #""agee": 34"#, "person.agee", "unknown field"),
        (#""age": 34"#, #""age": "34""#, "person.age", "expected a whole number"),
        (#""age": 34"#, #""age": 300"#, "person.age", "between 0 and 125"),
        (#""urgency": "urgent""#, #""urgency": "asap""#, "needs[0].urgency", ""),
        (#""domain": "housing""#, #""domain": "transport""#, "needs[0].domain", ""),
        (#""faith_based": "opt_in""#, #""faith_based": "yes""#, "preferences.faith_based", ""),
        (#""languages": ["es", "en"]"#, #""languages": ["klingon"]"#, "person.languages[0]", "not a language code"),
        (#""latitude": 41.26"#, #""latitude": 141.26"#, "person.location.latitude", "within"),
        (#""max_distance_km": 15"#, #""max_distance_km": -1"#, "preferences.max_distance_km", "above 0"),
        (#""ref": "P-1042""#, #""ref": " ""#, "person.ref", "required"),
        (#""urgency": "urgent"}"#, #""urgency": "urgent", "notes": "\#(String(repeating: "a", count: 501))"}"#, "needs[0].notes", "limited to 500"),
        (#""notes": """#, #""notes": "\#(String(repeating: "b", count: 2001))""#, "preferences.notes", "limited to 2000"),
        (#""notes": """#, #""notes": "", "accessibility": ["ramp"]"#, "preferences.accessibility[0]", "unknown accessibility need"),
        (#""notes": """#, #""notes": "", "trauma_informed": "yes""#, "preferences.trauma_informed", ""),
    ])
    func aBadFieldIsNamed(original: String, replacement: String, field: String, reason: String) throws {
        let broken = Self.example.replacingOccurrences(of: original, with: replacement)
        #expect(broken != Self.example)
        do {
            _ = try JSONDecoder().decode(NeedsProfile.self, from: Data(broken.utf8))
            Issue.record("expected a decoding error for \(field)")
        } catch let error as DecodingError {
            #expect(error.fieldAndReason.field == field)
            #expect(reason.isEmpty || error.fieldAndReason.reason.contains(reason), "\(error.fieldAndReason.reason)")
        }
    }

    @Test func perNeedNotesAccessibilityAndTraumaInformedDecode() throws {
        let json = Self.example
            .replacingOccurrences(of: #""detail": "emergency_shelter", "urgency": "urgent"}"#,
                                  with: #""detail": "emergency_shelter", "urgency": "urgent", "notes": "  Needs a place with her dog "}"#)
            .replacingOccurrences(of: #""notes": """#, with: #""notes": "Mornings are hard", "accessibility": ["wheelchair", "sign_language", "wheelchair"], "trauma_informed": true"#)
            .replacingOccurrences(of: #"{"domain": "clinical", "detail": "counseling", "urgency": "soon"}"#,
                                  with: #"{"domain": "family_support", "detail": "caregiver_support", "urgency": "soon"}"#)
        let profile = try JSONDecoder().decode(NeedsProfile.self, from: Data(json.utf8))
        #expect(profile.needs[0].notes == "Needs a place with her dog")
        #expect(profile.needs[1].notes == nil)
        #expect(profile.needs[2].domain == .familySupport)
        #expect(profile.preferences.notes == "Mornings are hard")
        #expect(profile.preferences.accessibility == [.wheelchair, .signLanguage])
        #expect(profile.preferences.traumaInformed)
        // What the web form carries from page to page survives the trip.
        let again = try JSONDecoder().decode(NeedsProfile.self, from: JSONEncoder().encode(profile))
        #expect(again == profile)
    }

    @Test func aPostalCodeMayStandForThePoint() throws {
        let json = Self.example.replacingOccurrences(of: #"{"latitude": 41.26, "longitude": -95.94}"#, with: #"{"postal_code": "68102"}"#)
        let profile = try JSONDecoder().decode(NeedsProfile.self, from: Data(json.utf8))
        #expect(profile.person.location == .postalCode("68102"))
    }

    @Test func aProfileNeedsANeed() {
        let json = #"{"person": {"ref": "P-1"}, "needs": []}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(NeedsProfile.self, from: Data(json.utf8)) }
    }
}
