import Foundation
import Testing
import TrellisCore
@testable import TrellisDirectory

@Suite struct AIRSReaderTests {
    @Test func latin1FileComesOutAsUnicode() throws {
        let (report, sink) = Fixture.read("airs30-latin1.xml")
        #expect(report.fatal == nil && report.rejected.isEmpty)
        #expect(report.format == .airs)
        #expect(report.services == 3)
        #expect(sink.service(named: "Albergue Peña Emergency Shelter") != nil)
        #expect(sink.organizations.map(\.name).contains("Café Esperanza Counseling Collective"))
        #expect(sink.organizations.map(\.name).contains("Résidence Saint-Éloi"))
        let shelter = try #require(sink.service(key: "300101"))
        #expect(shelter.categories == [NeedCategory(.housing, "emergency_shelter")])
        #expect(shelter.languages == ["es"], "a service inherits its site's languages")
    }

    @Test func airs31WithItsNamespaceReadsEveryField() throws {
        let (report, sink) = Fixture.read("airs31-namespaced.xml")
        #expect(report.fatal == nil && report.rejected.isEmpty && report.warnings.isEmpty)
        #expect(report.source == "Trellis Fixture AIRS 3.1")
        #expect(report.services == 4 && report.organizations == 2)

        let ips = try #require(sink.service(key: "310101"))
        #expect(ips.categories.contains(NeedCategory(.employment, "supported_employment")))
        #expect(ips.attributes.ips && ips.attributes.ipsFidelity == .good)
        #expect(ips.eligibility.minimumAge == 18 && ips.eligibility.maximumAge == 64)
        #expect(ips.areasServed.contains(.postalCode("68105")))
        #expect(ips.lastVerified == CalendarDay(year: 2024, month: 2, day: 15))
        #expect(ips.availableForReferral)
        #expect(ips.organizationID == "3101" && ips.organizationName == "Prairie Bridge Community Services")
        #expect(ips.id == StableID.service(source: "Trellis Fixture AIRS 3.1", key: "310101"))
        #expect(ips.provenance == Provenance(format: .airs, source: "Trellis Fixture AIRS 3.1",
                                             file: Fixture.path("airs31-namespaced.xml"), recordKey: "310101", line: 32))

        let housing = try #require(sink.service(key: "310102"))
        #expect(housing.attributes.housingFirst)
        #expect(!housing.availableForReferral)
        #expect(housing.eligibility.genders == [.female])

        let faith = try #require(sink.service(key: "310201"))
        #expect(faith.categories == [NeedCategory(.faith)])
        #expect(faith.attributes.faithBased && faith.attributes.faithTradition == "lutheran")

        let soberLiving = try #require(sink.service(key: "310202"))
        #expect(soberLiving.status == .inactive)
        #expect(soberLiving.attributes.sobrietyRequired)
        #expect(soberLiving.eligibility.genders == [.male])
    }

    @Test func nestedAgenciesKnowTheirParent() throws {
        let (report, sink) = Fixture.read("airs-nested-agencies.xml")
        #expect(report.fatal == nil && report.rejected.isEmpty)
        #expect(report.services == 4)
        let children = sink.organizations.filter { $0.parentID != nil }
        #expect(!children.isEmpty)
        for child in children {
            #expect(sink.organizations.contains { $0.id == child.parentID })
            #expect(sink.services.contains { $0.organizationID == child.id })
        }
    }

    @Test func iCarolQuirksAreToleratedAndReported() throws {
        let (report, sink) = Fixture.read("airs-icarol-quirks.xml")
        #expect(report.fatal == nil && report.rejected.isEmpty)
        #expect(report.services == 3)
        let messages = report.warningMessages.joined(separator: "\n")
        for expected in ["facet string", "HTML markup", "AKA inside SiteService", "empty PhoneNumber",
                         "coordinates read from Datum", "out of range", "unknown language \"Klingon\"", "has no Key"] {
            #expect(messages.contains(expected), "expected a warning about \(expected)")
        }
        #expect(report.warnings.allSatisfy { $0.line > 1 }, "every warning names its line")
        #expect(report.unmappedCodes.keys.contains { $0.hasPrefix("{what:") })
        for service in sink.services {
            #expect(!(service.description ?? "").contains("&lt;") && !(service.description ?? "").contains("<b>"))
        }
        let spanishAndVietnamese = sink.services.first { $0.languages.contains("vi") }
        #expect(spanishAndVietnamese?.languages.contains("es") == true, "\"Spanish, Vietnamese\" is two languages")
    }

    @Test func badRecordsAreRejectedWithTheirLinesAndTheRestRead() throws {
        let (report, sink) = Fixture.read("airs-rejects.xml")
        #expect(report.fatal == nil)
        #expect(Set(sink.services.map(\.provenance.recordKey)) == ["360101", "360103", "360105"])
        #expect(report.rejected.map(\.line) == [27, 40])
        #expect(report.rejected[0].message.contains("neither a Name nor a Key"))
        #expect(report.rejected[1].message.contains("no Taxonomy/Code"))
        #expect(report.rejected[1].recordKey == "360104")
    }

    @Test func aTruncatedFileKeepsTheRecordsBeforeTheCut() {
        let (report, sink) = Fixture.read("truncated.xml")
        #expect(report.fatal == nil)
        #expect(sink.services.count == 2)
        #expect(report.rejected.count == 1)
        #expect(report.rejected.first?.message.contains("cut off") == true)
        #expect(report.rejected.first?.line == 73)
    }

    @Test func descriptionsKeepTheirTextWhenMarkupIsRemoved() {
        #expect(DescriptionText.clean("The &lt;b&gt;Infant Program&lt;/b&gt; offers visits.").text == "The Infant Program offers visits.")
        #expect(DescriptionText.clean("Line one<br/>line two &amp; more").text == "Line one line two & more")
        #expect(DescriptionText.clean("Plain text").hadMarkup == false)
        #expect(DescriptionText.clean("Fees &#36;5 &amp;amp; up").text == "Fees $5 & up")
    }

    @Test(arguments: [
        ("Household income at or below $2,500 per month", 2500.0),
        ("less than $30,000 a year", 2500.0),
        ("Income under $36,000 annually", 3000.0),
        ("$500/week", 2167.0),
    ])
    func incomeLimitsAreReadAsMonthly(text: String, monthly: Double) {
        #expect(IncomeLimit.monthly(from: text) == monthly)
    }

    @Test(arguments: ["At or below 200% of the federal poverty level", "Low income", "$25 fee"])
    func incomeTextWithoutAMonthlyFigureGivesNoLimit(text: String) {
        #expect(IncomeLimit.monthly(from: text) == nil)
    }

    @Test func areaDescriptionsBecomePlaces() {
        #expect(AreaText.areas(from: "All Areas", state: nil) == [.anywhere])
        #expect(AreaText.areas(from: "Pottawattamie County, Douglas County, Sarpy County", state: "NE")
                == [.county("Pottawattamie", state: "NE"), .county("Douglas", state: "NE"), .county("Sarpy", state: "NE")])
        #expect(AreaText.areas(from: "68102, 68105", state: nil) == [.postalCode("68102"), .postalCode("68105")])
        #expect(AreaText.areas(from: "Nebraska", state: nil) == [.state("NE")])
        #expect(AreaText.areas(from: "Statewide", state: "IA") == [.state("IA")])
        #expect(AreaText.areas(from: "Residents of the greater metro area", state: nil) == nil)
    }
}

@Suite struct StrictValidationTests {
    static let xsd30 = Fixture.repository.appendingPathComponent("schemas/airs/airs-3.0.xsd").path
    static let xsd31 = Fixture.repository.appendingPathComponent("schemas/airs/airs-3.1.xsd").path

    @Test func aValidFileHasNoViolations() {
        #expect(Fixture.read("airs30-valid.xml", xsd: Self.xsd30).report.schemaViolations.isEmpty)
        #expect(Fixture.read("airs31-namespaced.xml", xsd: Self.xsd31).report.schemaViolations.isEmpty)
    }

    @Test func everyViolationHasItsLineAndTheFileIsStillReadLeniently() {
        let (report, sink) = Fixture.read("airs30-schema-invalid.xml", xsd: Self.xsd30)
        #expect(!report.schemaViolations.isEmpty)
        #expect(report.schemaViolations.allSatisfy { $0.line > 1 && $0.column >= 1 && !$0.message.isEmpty })
        #expect(sink.services.count == 2)
    }

    @Test func theICarolExportBreaksTheOfficialSchema() {
        let report = Fixture.read("airs-icarol-quirks.xml", xsd: Self.xsd30).report
        #expect(!report.schemaViolations.isEmpty)
    }

    @Test func aMissingSchemaIsAFileError() {
        let report = Fixture.read("airs30-valid.xml", xsd: "/nonexistent/airs.xsd").report
        #expect(report.fatal != nil)
    }
}
