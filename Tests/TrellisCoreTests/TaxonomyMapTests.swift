import Foundation
import Testing
@testable import TrellisCore

/// The shipped map, read from the repository's config folder.
let shippedMap: TaxonomyMap = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("config/taxonomy-map.json")
    // A broken shipped map must fail loudly in every test that uses it.
    return try! TaxonomyMap(json: Data(contentsOf: url))
}()

@Suite struct TaxonomyMapTests {
    @Test(arguments: [
        ("BH-1800", NeedCategory(.housing, "emergency_shelter")),
        ("BH-1800.8500", NeedCategory(.housing, "emergency_shelter")),
        ("bh-1800.8500-150 ", NeedCategory(.housing, "emergency_shelter")),
        ("BH-3800.7000", NeedCategory(.housing, "rental_assistance")),
        ("BH-7000.4600", NeedCategory(.housing, "affordable_housing")),
        ("BH-8500", NeedCategory(.housing)),
        ("ND-1500", NeedCategory(.employment, "job_search")),
        ("ND-3500.3600", NeedCategory(.employment, "job_search")),
        ("ND-9000", NeedCategory(.employment, "vocational_rehabilitation")),
        ("ND-6500", NeedCategory(.employment)),
        ("RP-1400.8000", NeedCategory(.clinical, "counseling")),
        ("RP-1500.1400", NeedCategory(.clinical, "crisis")),
        ("RM-6500", NeedCategory(.clinical, "psychiatry")),
        ("RX-8450.1150", NeedCategory(.clinical, "substance_use")),
        ("RX-8500.8000", NeedCategory(.housing, "sober_living")),
        ("PN-8100.0500", NeedCategory(.peerSupport)),
        ("trellis:spiritual-support", NeedCategory(.faith)),
        ("trellis:supported-employment", NeedCategory(.employment, "supported_employment")),
        ("trellis:medication-management", NeedCategory(.clinical, "medication_management")),
    ])
    func codeMapsToCategory(code: String, expected: NeedCategory) {
        let mapping = shippedMap.map(codes: [code])
        #expect(mapping.categories == [expected])
        #expect(mapping.unmappedCodes.isEmpty)
    }

    @Test(arguments: ["BHX-1800", "PN-8000", "TJ-3000.8500", "RPX", "{what:'CAMPS'}", "", "trellis:unknown"])
    func codeOutsideTheMapIsUnmapped(code: String) {
        let mapping = shippedMap.map(codes: [code])
        #expect(mapping.categories.isEmpty)
        #expect(mapping.unmappedCodes == [code])
    }

    @Test func attributesComeFromTrellisCodes() {
        let mapping = shippedMap.map(codes: [
            "trellis:faith-based", "trellis:faith-tradition/Catholic", "trellis:ips-fidelity/exemplary",
            "trellis:housing-first", "trellis:peer-run", "trellis:trauma-informed", "trellis:telehealth",
        ])
        let a = mapping.attributes
        #expect(a.faithBased && a.faithTradition == "catholic")
        #expect(a.ips && a.ipsFidelity == .exemplary)
        #expect(a.housingFirst && a.peerRun && a.traumaInformed && a.telehealth)
        #expect(!a.sobrietyRequired)
        #expect(mapping.categories.isEmpty && mapping.unmappedCodes.isEmpty)
    }

    @Test func notIPSFidelityDoesNotMakeAnIPSProgram() {
        let a = shippedMap.map(codes: ["trellis:ips-fidelity/not-ips"]).attributes
        #expect(!a.ips && a.ipsFidelity == .notIPS)
    }

    @Test func unknownFidelityIsAProblemNotACrash() {
        let mapping = shippedMap.map(codes: ["trellis:ips-fidelity/superb"])
        #expect(mapping.problems.count == 1)
        #expect(mapping.attributes.ipsFidelity == nil)
    }

    @Test func sobrietyIsTheOppositeOfHousingFirst() {
        let a = shippedMap.map(codes: ["RX-8500.8000"]).attributes
        #expect(a.sobrietyRequired && !a.housingFirst)
    }

    @Test(arguments: [
        ("Supported Employment", NeedCategory(.employment, "supported_employment")),
        ("peer support", NeedCategory(.peerSupport)),
        ("Spiritual Support", NeedCategory(.faith)),
        ("Sober Living", NeedCategory(.housing, "sober_living")),
        ("Emergency Shelter", NeedCategory(.housing, "emergency_shelter")),
    ])
    func openEligibilityTermsMapByName(term: String, expected: NeedCategory) {
        #expect(shippedMap.map(codes: [], terms: [term]).categories == [expected])
    }

    @Test func aCountyCanMapItsOwnCodes() throws {
        let map = try TaxonomyMap(entries: [
            .init(code: "DC-HOUSING", domain: .housing),
            .init(code: "DC-HOUSING.FIRST", domain: .housing, detail: "permanent_supportive", attributes: ["housing_first"]),
        ])
        let mapping = map.map(codes: ["DC-HOUSING.FIRST.12"])
        #expect(mapping.categories == [NeedCategory(.housing, "permanent_supportive")])
        #expect(mapping.attributes.housingFirst)
    }

    @Test(arguments: [
        (#"{"entries": [{"domain": "housing"}]}"#, "needs a \"code\" or a \"term\""),
        (#"{"entries": [{"code": "X"}]}"#, "needs a \"domain\" or \"attributes\""),
        (#"{"entries": [{"code": "X", "attributes": ["gluten_free"]}]}"#, "unknown attribute"),
        (#"{"entries": [{"code": "X", "domain": "transport"}]}"#, "not a taxonomy map"),
        (#"[]"#, "not a taxonomy map"),
    ])
    func brokenMapsAreRefusedWithAReason(json: String, reason: String) {
        #expect {
            try TaxonomyMap(json: Data(json.utf8))
        } throws: { error in
            String(describing: error).contains(reason)
        }
    }

    @Test func shippedMapCoversEveryDomain() {
        #expect(Set(shippedMap.detailsByDomain.keys) == Set(NeedDomain.allCases))
    }
}
