import Foundation
import Testing
import TrellisCore
@testable import TrellisDirectory

/// The readers file the new need domains' codes and read what directories say of accessibility.
@Suite struct NewDomainReaderTests {
    @Test func airsMapsTheNewDomainsAndReadsDisabilitiesAccess() throws {
        let (report, sink) = Fixture.read("airs30-new-domains.xml", xsd: Fixture.repository.appendingPathComponent("schemas/airs/airs-3.0.xsd").path)
        #expect(report.fatal == nil && report.rejected.isEmpty)
        #expect(report.warnings.isEmpty)
        let family = try #require(sink.service(key: "410101"))
        #expect(family.categories == [NeedCategory(.familySupport)])
        #expect(family.accessibility?.offers == [.wheelchair, .largePrint, .hearingLoop])
        #expect(family.accessibility?.lacks == [])
        #expect(family.accessibility?.statement?.hasPrefix("Wheelchair accessible entrance") == true)
        let benefits = try #require(sink.service(key: "410102"))
        #expect(benefits.categories == [NeedCategory(.benefits, "income_support"), NeedCategory(.benefits, "insurance_enrollment")])
        let literacy = try #require(sink.service(key: "410103"))
        #expect(literacy.categories == [NeedCategory(.education, "literacy")])
        #expect(literacy.accessibility?.lacks == [.wheelchair])
        #expect(literacy.accessibility?.offers == [])
        let bus = try #require(sink.service(key: "410104"))
        #expect(bus.categories == [NeedCategory(.transportation, "public_transit")])
    }

    @Test func hsdsMapsTheNewDomainsAndReadsLocationAccessibility() throws {
        let (report, sink) = Fixture.read("hsds-new-domains.json")
        #expect(report.fatal == nil && report.rejected.isEmpty)
        let caregivers = try #require(sink.service(named: "Harbor Caregiver Circle"))
        #expect(caregivers.categories == [NeedCategory(.familySupport, "caregiver_support")])
        #expect(caregivers.accessibility?.offers == [.wheelchair, .hearingLoop, .serviceAnimal])
        let rides = try #require(sink.service(named: "Harbor Ride Line"))
        #expect(rides.categories == [NeedCategory(.transportation, "rides")])
        #expect(rides.accessibility?.lacks == [.wheelchair])
        #expect(rides.accessibility?.offers == [.largePrint])
        let desk = try #require(sink.service(named: "Harbor Benefits Desk"))
        #expect(desk.categories == [NeedCategory(.education, "literacy"), NeedCategory(.benefits, "insurance_enrollment")])
        #expect(desk.accessibility == nil)
    }

    @Test func hsds2AccessibilityForDisabilitiesIsReadToo() throws {
        let json = #"""
        {"id": "a-1", "name": "Old Format Ride Desk", "status": "active",
         "taxonomy_terms": [{"id": "t-1", "name": "Bus Passes"}],
         "locations": [{"id": "l-1", "name": "Depot", "latitude": 41.25, "longitude": -95.93,
                        "accessibility_for_disabilities": [{"id": "x-1", "accessibility": "Ramp at the side door", "details": "Braille signage"}]}]}
        """#
        let (report, sink) = Fixture.readPath(try Fixture.temporary(json, suffix: ".json"))
        #expect(report.rejected.isEmpty)
        let service = try #require(sink.services.first)
        #expect(service.categories == [NeedCategory(.transportation, "transit_fare")])
        #expect(service.accessibility?.offers == [.wheelchair, .braille])
    }

    struct TextRow: CustomTestStringConvertible, Sendable {
        var text: String
        var offers: [AccessibilityFeature]
        var lacks: [AccessibilityFeature]
        var testDescription: String { text }
    }

    static let textRows: [TextRow] = [
        TextRow(text: "Wheel Chair Accessible", offers: [.wheelchair], lacks: []),
        TextRow(text: "Access ramp, elevators available", offers: [.wheelchair], lacks: []),
        TextRow(text: "No steps at the entrance", offers: [.wheelchair], lacks: []),
        TextRow(text: "Not wheelchair accessible", offers: [], lacks: [.wheelchair]),
        TextRow(text: "Stairs only", offers: [], lacks: [.wheelchair]),
        TextRow(text: "ASL interpreters on request; braille forms", offers: [.signLanguage, .braille], lacks: []),
        TextRow(text: "Wheelchair accessible but no hearing loop", offers: [.wheelchair], lacks: [.hearingLoop]),
        TextRow(text: "Guide dogs and service animals welcome", offers: [.serviceAnimal], lacks: []),
        TextRow(text: "Large-print materials", offers: [.largePrint], lacks: []),
        TextRow(text: "Basil and tea in the lobby", offers: [], lacks: []),
        TextRow(text: "Accessible", offers: [.wheelchair], lacks: []),
        TextRow(text: "Handicapped accessible; TTY", offers: [.wheelchair], lacks: []),
        TextRow(text: "Building is not handicap accessible", offers: [], lacks: [.wheelchair]),
        TextRow(text: "Sign language interpreter available", offers: [.signLanguage], lacks: []),
        TextRow(text: "Fully accessible", offers: [.wheelchair], lacks: []),
        TextRow(text: "Accessible entrance on Dorcas St", offers: [.wheelchair], lacks: []),
        TextRow(text: "Wheelchair accessible. Not wheelchair accessible on weekends", offers: [], lacks: []),
    ]

    @Test(arguments: textRows)
    func accessibilityWords(_ row: TextRow) throws {
        let read = try #require(AccessibilityText.read([row.text]))
        #expect(read.offers == row.offers)
        #expect(read.lacks == row.lacks)
    }

    @Test func blankTextSaysNothing() {
        #expect(AccessibilityText.read([" ", ""]) == nil)
    }

    /// The web form offers each domain's details; the map must file services under each of them.
    @Test func everyDetailAProfileMayGiveIsInTheTaxonomyMap() {
        let mapped = Fixture.taxonomy.detailsByDomain
        for domain in NeedDomain.allCases {
            #expect(Set(domain.details.map(\.value)) == mapped[domain] ?? [], "\(domain)")
        }
    }
}
