import Foundation
import Testing
import TrellisCore
@testable import TrellisDirectory

/// Every example file Open Referral publishes for HSDS 3.0 and 3.1, and every official AIRS XML 3.0
/// and 3.1 instance (Fixtures/official, unmodified). The expected figures were worked out with
/// Python's `json` and `xml.etree` on the same files (Fixtures/README.md, "Official examples").
@Suite struct OfficialExampleTests {
    static let versions = ["hsds-3.0", "hsds-3.1"]

    static func read(_ folder: String, _ name: String) -> (report: FileReport, sink: CollectingSink) {
        Fixture.read("official/\(folder)/\(name)")
    }

    // MARK: HSDS: the three files that hold one whole service

    static let serviceKey = "ac148810-d857-441c-9679-408f346de14b"
    static let fees = "Non-NHS patients are expected to pay for their counselling sessions. We charge a flat rate per hour of counselling. The current rate is £50 per hour. Please see our website for up to date prices."

    /// The full service, as one object, nested in its organization, or as a service at a location.
    /// Its `fees_description` holds the `\u00a3` escape that used to break the file.
    static func expectTheFullService(_ report: FileReport, _ sink: CollectingSink, version: String) throws {
        #expect(report.fatal == nil, "\(String(describing: report.fatal))")
        #expect(report.rejected.isEmpty, "\(report.rejected)")
        #expect(report.services == 1 && report.organizations == 1)
        #expect(sink.organizations.map(\.id) == ["d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"])
        #expect(sink.organizations.first?.name == "Example Organization Inc.")
        let service = try #require(sink.services.first)
        #expect(sink.services.count == 1)
        #expect(service.id == StableID.service(source: "hsds", key: serviceKey))
        #expect(service.name == "Community Counselling")
        #expect(service.status == .active)
        #expect(service.organizationID == "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")
        #expect(service.organizationName == "Example Organization Inc.")
        #expect(service.fees == fees)
        #expect(service.hours == "The service is available from 10 am to 6pm weekdays. The service is not available on public holidays.")
        #expect(service.languages == ["ur"])
        #expect(service.phones == ["\"+44 1234 234567\""])
        #expect(service.eligibility.minimumAge == 12 && service.eligibility.maximumAge == 100)
        #expect(service.lastVerified == CalendarDay(iso: "2005-01-01"))
        #expect(service.url == "http://example.com/counselling")
        #expect(service.applicationProcess?.hasPrefix("If you are an NHS patient please ask your GP for a referral letter") == true)
        // The example's taxonomy term is the placeholder "code": kept, counted as unmapped.
        #expect(service.taxonomyCodes == ["code"] && service.categories.isEmpty)
        #expect(report.unmappedCodes == ["code": 1])
        // One location, MyCity Civic Center: its point (latitude 100, longitude 101) is out of
        // range, so only its address is kept.
        #expect(service.locations.count == 1)
        let location = try #require(service.locations.first)
        #expect(location.name == "MyCity Civic Center")
        #expect(location.coordinate == nil)
        #expect(location.address?.city == "MyCity" && location.address?.postalCode == "ABC 1234" && location.address?.line1 == "1-30 Main Street")
        #expect(report.warnings.contains { $0.field == "location" && $0.message.contains("out of range") })
        #expect(report.warnings.contains { $0.field == "service_areas" }, "the area served is only words")
        if version == "hsds-3.1" {
            // 3.1 adds capacities: 12 available of 10 (as written), in kilograms, not a wait list.
            #expect(service.capacity == Capacity(available: 12, maximum: 10, waitlist: nil, updated: CalendarDay(iso: "2024-09-25")))
        } else {
            #expect(service.capacity == nil)
        }
    }

    @Test(arguments: versions)
    func serviceFullIsOneService(version: String) throws {
        let (report, sink) = Self.read(version, "service_full.json")
        try Self.expectTheFullService(report, sink, version: version)
        #expect(sink.services.first?.provenance.line == 1)
    }

    @Test(arguments: versions)
    func organizationFullIsOneOrganizationWithItsService(version: String) throws {
        let (report, sink) = Self.read(version, "organization_full.json")
        try Self.expectTheFullService(report, sink, version: version)
    }

    @Test(arguments: versions)
    func serviceAtLocationFullIsItsServiceAtThatLocation(version: String) throws {
        let (report, sink) = Self.read(version, "service_at_location_full.json")
        try Self.expectTheFullService(report, sink, version: version)
    }

    // MARK: HSDS: HSDA pages

    /// The list examples' service carries no taxonomy term: it is refused, naming the field, since
    /// nothing could ever match it; its organization is still read.
    @Test(arguments: versions)
    func serviceListHoldsOneServiceWithoutATaxonomyTerm(version: String) {
        let (report, sink) = Self.read(version, "service_list.json")
        #expect(report.fatal == nil)
        #expect(sink.services.isEmpty)
        #expect(report.rejected.map(\.field) == ["attributes"])
        #expect(report.rejected.first?.recordKey == Self.serviceKey)
        #expect(report.rejected.first?.message.contains("no taxonomy code or term") == true)
        #expect(report.rejected.first?.line == 10, "the line of the record's `{` in contents")
        #expect(sink.organizations.map(\.name) == ["Example Organization Inc."])
    }

    @Test(arguments: versions)
    func serviceAtLocationListHoldsOneServiceWithoutATaxonomyTerm(version: String) {
        let (report, sink) = Self.read(version, "service_at_location_list.json")
        #expect(report.fatal == nil)
        #expect(sink.services.isEmpty)
        #expect(report.rejected.map(\.field) == ["attributes"])
        #expect(report.rejected.first?.recordKey == Self.serviceKey)
        #expect(sink.organizations.map(\.name) == ["Example Organization Inc."])
    }

    @Test(arguments: versions)
    func organizationListIsOneOrganizationAndNoService(version: String) {
        let (report, sink) = Self.read(version, "organization_list.json")
        #expect(report.fatal == nil && report.rejected.isEmpty)
        #expect(report.services == 0 && report.organizations == 1)
        #expect(sink.organizations.first?.id == "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")
        #expect(sink.organizations.first?.url == "http://example.com")
        #expect(sink.organizations.first?.parentID == "cd09a387-91f4-4555-94ec-e799c35344cd")
    }

    // MARK: HSDS: files that describe no service

    /// Valid HSDS that is not a service directory is refused whole, saying what it is.
    @Test(arguments: [
        ("base.json", "HSDS API metadata"),
        ("location.json", "an HSDS location, not a service or an organization"),
        ("taxonomy.json", "an HSDS taxonomy, not a service or an organization"),
        ("taxonomy_list.json", "an HSDS taxonomy, not a service or an organization"),
        ("taxonomy_term.json", "an HSDS taxonomy term, not a service or an organization"),
        ("taxonomy_term_list.json", "an HSDS taxonomy term, not a service or an organization"),
        ("tabular.json", "HSDS tabular data (one array per CSV table: organizations.csv, programs.csv, services.csv, …)"),
    ])
    func filesThatHoldNoServiceAreRefusedSayingWhatTheyAre(name: String, what: String) {
        for version in Self.versions {
            let (report, sink) = Self.read(version, name)
            guard case .notADirectory(let message)? = report.fatal else {
                Issue.record("\(version)/\(name): \(String(describing: report.fatal))")
                continue
            }
            #expect(message.hasPrefix("the file holds " + what), "\(version)/\(name): \(message)")
            #expect(sink.services.isEmpty && sink.organizations.isEmpty, "\(version)/\(name)")
        }
    }

    /// Every example file is covered above: a new one in the folder needs a test of its own.
    @Test func everyHSDSExampleHasATest() throws {
        let covered: Set<String> = ["service_full.json", "organization_full.json", "service_at_location_full.json",
                                    "service_list.json", "service_at_location_list.json", "organization_list.json",
                                    "base.json", "location.json", "taxonomy.json", "taxonomy_list.json", "taxonomy_term.json",
                                    "taxonomy_term_list.json", "tabular.json"]
        for version in Self.versions {
            let files = try FileManager.default.contentsOfDirectory(atPath: Fixture.path("official/" + version)).filter { $0.hasSuffix(".json") }
            #expect(Set(files) == covered, "\(version)")
        }
    }

    // MARK: AIRS

    @Test func airs30InstanceIsThreeAgenciesAndFiveServices() throws {
        let (report, sink) = Fixture.read("official/airs/airs-3.0_instance.xml")
        #expect(report.fatal == nil && report.rejected.isEmpty, "\(report.rejected)")
        #expect(report.format == .airs)
        #expect(report.source == "Data Pulled From 2-1-1 Nebraska/Iowa")
        #expect(report.organizations == 3)
        #expect(sink.organizations.map(\.id) == ["85877776000028", "858777760002", "858777760004"])
        #expect(sink.organizations.map(\.url) == ["http://www.12stephouse.net", "http://www.211.org", "http://www.9to5.org"])
        #expect(report.services == 5)
        #expect(sink.services.map(\.provenance.recordKey) == ["85877776000675", "85877776811313", "85877776811316", "85877776811317", "85877776065710"])
        #expect(sink.services.map(\.name) == ["Support Group Clearinghouses", "211 Systems", "Discrimination Assistance",
                                              "Legal Information Lines", "Women's Advocacy Groups"])
        #expect(sink.services.map(\.taxonomyCodes) == [["PN-8000"], ["TJ-3000.8500"], ["FT-1800"], ["TJ-3200.4500"], ["TD-1600.3100-950"]])
        // None of these 211 codes is in the shipped map.
        #expect(sink.services.allSatisfy { $0.categories.isEmpty && $0.status == .active })
        #expect(report.unmappedCodes.count == 5)
        #expect(sink.services.map(\.languages) == [[], ["en"], ["es"], ["es"], ["es"]])
        #expect(sink.services.map { $0.locations.first?.address?.city } == ["Omaha", nil, "Milwaukee", "Milwaukee", "Milwaukee"])
        #expect(sink.services.map { $0.locations.first?.address?.postalCode } == ["68134", nil, "53202", "53202", "53202"])
        #expect(sink.services.allSatisfy { $0.locations.allSatisfy { $0.coordinate == nil } }, "the file gives no points")
        #expect(sink.services[2].phones == ["8005220925", "4142740925"], "the site's phones")
        #expect(sink.services.map(\.applicationProcess) == ["Visit website for complete list and schedule", "Visit website, then type in zip code or state",
                                                             "Call for information", "Call for information", "Call for information"])
    }

    @Test func airs31MinimalInstanceIsOneDeletedService() throws {
        let (report, sink) = Fixture.read("official/airs/airs-3.1beta_instance_minimal.xml")
        #expect(report.fatal == nil && report.rejected.isEmpty)
        #expect(report.source == "Community Data Store 1")
        #expect(report.organizations == 1 && sink.organizations.first?.name == "FamilyNet")
        let service = try #require(sink.services.first)
        #expect(report.services == 1)
        #expect(service.provenance.recordKey == "123456" && service.name == "HIV and Aids")
        #expect(service.taxonomyCodes == ["TJ-1600.4320-760", "TT-1600.4300-766"], "both Codes of one Taxonomy")
        #expect(service.status == .inactive, "delete=\"true\"")
        #expect(service.locations.isEmpty)
    }

    @Test func airs31MaximalInstanceIsFourDeletedServicesAtTwoSites() throws {
        let (report, sink) = Fixture.read("official/airs/airs-3.1beta_instance_maximal.xml")
        #expect(report.fatal == nil && report.rejected.isEmpty, "\(report.rejected)")
        #expect(report.source == "Community Data Store 1")
        #expect(report.organizations == 1 && sink.organizations.map(\.id) == ["1234567"])
        #expect(report.services == 4)
        #expect(sink.services.map(\.provenance.recordKey) == ["544443", "548766760004", "123456", "998765"])
        #expect(sink.services.map(\.name) == ["Pediatric Care", "Wellness Care", "HIV and Aids", "Maternity"])
        #expect(sink.services.allSatisfy { $0.status == .inactive }, "every SiteService has delete=\"true\"")
        #expect(sink.services.map(\.taxonomyCodes.count) == [4, 4, 4, 4])
        #expect(sink.services.map(\.languages) == [["es", "ru"], ["es"], ["es", "ru"], ["es", "ru"]])
        #expect(sink.services.map(\.phones) == [["800-455-3226 ext. Extension6"], ["206-453-6654 ext. Extension9"], [], []])
        #expect(sink.services.map(\.availableForReferral) == [true, false, false, true])
        // Two steps ("Intake", "Application Screening") with the same description: said once.
        #expect(sink.services.map(\.applicationProcess) == [nil, "See Website for Detailed Description", nil, nil])
        #expect(sink.services.map(\.lastVerified) == [nil, CalendarDay(iso: "2006-05-04"), CalendarDay(iso: "2006-05-04"), nil])
        #expect(sink.services[0].eligibility.minimumAge == 18 && sink.services[0].eligibility.maximumAge == 120)
        let agencyLocation = try #require(sink.services[0].locations.first)
        #expect(agencyLocation.name == "Main Service Center")
        #expect(agencyLocation.coordinate == Coordinate(latitude: 45.6, longitude: -130.33))
        let site = try #require(sink.services[3].locations.first)
        #expect(site.name == "Pharmacy Services")
        #expect(site.coordinate == Coordinate(latitude: 43.6, longitude: -128.33))
        #expect(site.address?.city == "Seattle" && site.address?.postalCode == "98155" && site.address?.line1 == "302 Main Street")
    }
}
