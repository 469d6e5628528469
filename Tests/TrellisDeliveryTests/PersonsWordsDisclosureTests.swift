import Foundation
import Testing
import TrellisTestSupport
import TrellisCore
@testable import TrellisDelivery

/// The person's own words (each need's notes, `preferences.notes`), access needs and the
/// trauma-informed preference leave only under the `needs` category, in both payload formats.
@Suite struct PersonsWordsDisclosureTests {
    static let needNote = "Sleeping in her car since Friday"
    static let personNote = "Mornings are hard; call after noon"
    static let substanceNote = "Wants help with the methadone clinic"

    static var profile: NeedsProfile {
        var profile = DeliveryFixtures.profile
        profile.needs = [.init(.housing, "emergency_shelter", urgency: .urgent, notes: needNote),
                         .init(.clinical, "substance_use", notes: substanceNote)]
        profile.preferences.notes = personNote
        profile.preferences.accessibility = [.wheelchair, .signLanguage]
        profile.preferences.traumaInformed = true
        return profile
    }

    static func render(_ categories: Set<Consent.Category>, _ format: Partner.PayloadFormat, domains: [NeedDomain] = [.housing]) throws -> String {
        var referral = DeliveryFixtures.referral
        referral.needDomains = domains
        let disclosure = try #require(ReferralDisclosure(referral: referral, consentID: "con-0001", consent: DeliveryFixtures.consent(categories),
                                                         profile: profile, note: nil, service: DeliveryFixtures.service,
                                                         partner: DeliveryFixtures.partner(), now: DeliveryFixtures.now))
        let data = format == .fhirR4 ? try FHIRReferralBundle.render(disclosure) : try ReferralDocument.render(disclosure)
        return String(decoding: data, as: UTF8.self)
    }

    @Test(arguments: Consent.Category.allCases, [Partner.PayloadFormat.fhirR4, .json])
    func theWordsGoOnlyWithTheNeedsCategory(category: Consent.Category, format: Partner.PayloadFormat) throws {
        let alone = try Self.render([category], format)
        let allBut = try Self.render(Set(Consent.Category.allCases).subtracting([category]), format)
        for marker in [Self.needNote, Self.personNote] {
            #expect(alone.contains(marker) == (category == .needs), "\(marker) under \(category) alone (\(format))")
            #expect(allBut.contains(marker) == (category != .needs), "\(marker) under all but \(category) (\(format))")
        }
        #expect(alone.contains("wheelchair") == (category == .needs))
        #expect(alone.contains("trauma") == (category == .needs))
    }

    @Test func theJSONDocumentCarriesThemInPlace() throws {
        let data = Data(try Self.render([.needs], .json).utf8)
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let needs = try #require(document["needs"] as? [[String: Any]])
        #expect(needs.first?["notes"] as? String == Self.needNote)
        let preferences = try #require(document["preferences"] as? [String: Any])
        #expect(preferences["notes"] as? String == Self.personNote)
        #expect(preferences["accessibility"] as? [String] == ["wheelchair", "sign_language"])
        #expect(preferences["trauma_informed"] as? Bool == true)
    }

    /// With the words, access needs and a new domain in them, both formats still validate: the JSON
    /// document against schemas/referral.schema.json, the Bundle with an independent FHIR R4 validator.
    @Test func bothFormatsStayValid() throws {
        let document = try DeliveryFixtures.temporaryFile(Data(try Self.render(Set(Consent.Category.allCases), .json, domains: [.housing, .clinical]).utf8))
        let schema = DeliveryFixtures.repository.appendingPathComponent("schemas/referral.schema.json").path
        let json = try DeliveryFixtures.validate("validate_json_schema.py", [schema, document])
        #expect(json.status == 0, "\(json.output)")
        let bundle = try DeliveryFixtures.temporaryFile(Data((try Self.render(Set(Consent.Category.allCases), .fhirR4, domains: [.housing, .clinical]) + "\n").utf8),
                                                        suffix: ".jsonl")
        let fhir = try DeliveryFixtures.validate("validate_fhir.py", [bundle, "Bundle"])
        #expect(fhir.status == 0, "\(fhir.output)")
        #expect(fhir.output.split(separator: "\n").last == "valid 1", "\(fhir.output)")
    }

    @Test func theFHIRServiceRequestCarriesThemAsNotes() throws {
        let bundle = try Self.render([.needs], .fhirR4)
        #expect(bundle.contains("Person's note on housing: \(Self.needNote)"))
        #expect(bundle.contains("Person's notes: \(Self.personNote)"))
        #expect(bundle.contains("needs wheelchair access, sign language"))
    }

    /// A substance-use need's own words disclose as much as its detail: without Part 2 consent they stay home.
    @Test(arguments: [Partner.PayloadFormat.fhirR4, .json])
    func aSubstanceUseNeedsNotesNeedPart2Consent(format: Partner.PayloadFormat) throws {
        let withoutPart2 = try Self.render([.needs], format, domains: [.housing, .clinical])
        #expect(!withoutPart2.contains(Self.substanceNote))
        #expect(withoutPart2.contains(Self.needNote))
        let withPart2 = try Self.render([.needs, .substanceUse], format, domains: [.housing, .clinical])
        #expect(withPart2.contains(Self.substanceNote))
    }

    @Test func theNewDomainsHaveTheirSDOHCategories() {
        #expect(FHIRReferralBundle.sdohCategory(.familySupport) == "social-connection")
        #expect(FHIRReferralBundle.sdohCategory(.education) == "educational-attainment")
        #expect(FHIRReferralBundle.sdohCategory(.transportation) == "transportation-insecurity")
        #expect(FHIRReferralBundle.sdohCategory(.benefits) == "financial-insecurity")
    }
}
