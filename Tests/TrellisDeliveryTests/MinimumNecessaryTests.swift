import Foundation
import Testing
import TrellisTestSupport
import TrellisCore
import TrellisDelivery

/// No payload carries a category the consent does not allow, in either format; what a category
/// allows does go out; and both formats stay valid whatever is left out.
@Suite struct MinimumNecessaryTests {
    /// Text that only that category's data puts into a payload.
    static let markers: [Consent.Category: [String]] = [
        .contact: ["Maria Quintero-Vasquez", "+1-402-555-0199", "maria.q@example.org"],
        .demographics: ["Douglas", "Omaha", "female"],
        .needs: ["emergency_shelter"],
        .circumstances: ["medicaid", "hronically"],
        .clinicalNotes: ["Dr. Okafor"],
        .substanceUse: ["42 CFR part 2", "ctive substance use"],
    ]

    static func render(_ categories: Set<Consent.Category>, _ format: Partner.PayloadFormat) throws -> String {
        let disclosure = try #require(DeliveryFixtures.disclosure(categories))
        let data = format == .fhirR4 ? try FHIRReferralBundle.render(disclosure) : try ReferralDocument.render(disclosure)
        // Both renderers write JSON; compare on the decoded text so escaping cannot hide a marker.
        return String(decoding: data, as: UTF8.self).lowercased()
    }

    static func contains(_ payload: String, _ marker: String) -> Bool {
        payload.contains(marker.lowercased()) || payload.contains(marker.replacingOccurrences(of: " ", with: "_").lowercased())
    }

    @Test(arguments: Consent.Category.allCases, [Partner.PayloadFormat.fhirR4, .json])
    func aCategoryAloneDisclosesItselfAndNothingElse(category: Consent.Category, format: Partner.PayloadFormat) throws {
        let payload = try Self.render([category], format)
        for (other, markers) in Self.markers {
            for marker in markers {
                #expect(Self.contains(payload, marker) == (other == category), "\(marker) with consent to \(category) only (\(format))")
            }
        }
    }

    @Test(arguments: Consent.Category.allCases, [Partner.PayloadFormat.fhirR4, .json])
    func everythingButOneCategoryWithholdsThatOne(category: Consent.Category, format: Partner.PayloadFormat) throws {
        let payload = try Self.render(Set(Consent.Category.allCases).subtracting([category]), format)
        for (other, markers) in Self.markers {
            for marker in markers {
                #expect(Self.contains(payload, marker) == (other != category), "\(marker) with consent to all but \(category) (\(format))")
            }
        }
    }

    @Test func onlyTheNeedsThisReferralIsForGoOut() throws {
        let disclosure = try #require(DeliveryFixtures.disclosure(Set(Consent.Category.allCases)))
        #expect(disclosure.needs?.needs.map(\.domain) == [.housing])
        #expect(disclosure.needs?.faithTradition == nil, "a faith tradition goes only with a faith-based referral")
        for format in [Partner.PayloadFormat.fhirR4, .json] {
            let payload = try Self.render(Set(Consent.Category.allCases), format)
            #expect(!payload.contains("counseling"))
            #expect(!payload.contains("catholic"))
        }
    }

    @Test(arguments: [
        ("to another organization", DeliveryFixtures.consent(Set(Consent.Category.allCases), recipient: "ORG-7")),
        ("revoked", DeliveryFixtures.consent(Set(Consent.Category.allCases), revokedAt: DeliveryFixtures.now.addingTimeInterval(-60))),
        ("expired", Consent(recipient: "ORG-42", categories: Set(Consent.Category.allCases), method: .verbal, capturedBy: "cw-7",
                            capturedAt: DeliveryFixtures.capturedAt, expiresAt: DeliveryFixtures.now.addingTimeInterval(-1))),
    ])
    func aConsentNotInForceForThisAgencyDisclosesNothingAtAll(_ why: String, consent: Consent) {
        let disclosure = ReferralDisclosure(referral: DeliveryFixtures.referral, consentID: "con-0001", consent: consent,
                                            profile: DeliveryFixtures.profile, note: nil, service: DeliveryFixtures.service,
                                            partner: DeliveryFixtures.partner(), now: DeliveryFixtures.now)
        #expect(disclosure == nil, "consent \(why)")
    }

    @Test func substanceUseCarriesTheRedisclosureNoticeAndSecurityLabel() throws {
        let bundle = try Self.render([.substanceUse], .fhirR4)
        #expect(bundle.contains("42cfrpart2"))
        #expect(bundle.contains("prohibit you from making any other use or disclosure of this record"))
        let document = try Self.render([.substanceUse], .json)
        #expect(document.contains("redisclosure_notice"))
    }

    static let categorySets: [Set<Consent.Category>] = [[], Set(Consent.Category.allCases)] + Consent.Category.allCases.map { [$0] }

    /// Checked by fhir.resources, an independent FHIR R4 validator.
    @Test func everyBundleIsValidFHIR() throws {
        var lines = ""
        for categories in Self.categorySets {
            let disclosure = try #require(DeliveryFixtures.disclosure(categories))
            lines += String(decoding: try FHIRReferralBundle.render(disclosure), as: UTF8.self) + "\n"
        }
        let path = try DeliveryFixtures.temporaryFile(Data(lines.utf8), suffix: ".jsonl")
        let result = try DeliveryFixtures.validate("validate_fhir.py", [path, "Bundle"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.split(separator: "\n").last == "valid \(Self.categorySets.count)", "\(result.output)")
    }

    @Test func theBundleIsAGravityStyleReferral() throws {
        let disclosure = try #require(DeliveryFixtures.disclosure([.needs]))
        let bundle = try #require(try JSONSerialization.jsonObject(with: FHIRReferralBundle.render(disclosure)) as? [String: Any])
        #expect(bundle["type"] as? String == "transaction")
        let resources = (bundle["entry"] as? [[String: Any]] ?? []).compactMap { $0["resource"] as? [String: Any] }
        #expect(resources.compactMap { $0["resourceType"] as? String } == ["ServiceRequest", "Task", "Patient", "Consent"])
        let task = resources[1]
        #expect(task["status"] as? String == "requested")
        #expect(task["intent"] as? String == "order")
        #expect(((task["code"] as? [String: Any])?["coding"] as? [[String: Any]])?.first?["code"] as? String == "fulfill")
        let request = resources[0]
        #expect(request["priority"] as? String == "asap", "urgent need → asap")
        #expect((request["supportingInfo"] as? [[String: Any]])?.count == 1)
        // The same referral renders the same Bundle on every retry.
        #expect(try FHIRReferralBundle.render(disclosure) == FHIRReferralBundle.render(disclosure))
    }

    /// Checked against schemas/referral.schema.json by the independent Python jsonschema.
    @Test(arguments: categorySets)
    func everyDocumentMatchesTheSchema(categories: Set<Consent.Category>) throws {
        let disclosure = try #require(DeliveryFixtures.disclosure(categories))
        let path = try DeliveryFixtures.temporaryFile(try ReferralDocument.render(disclosure))
        let schema = DeliveryFixtures.repository.appendingPathComponent("schemas/referral.schema.json").path
        let result = try DeliveryFixtures.validate("validate_json_schema.py", [schema, path])
        #expect(result.status == 0, "\(categories): \(result.output)")
    }
}
