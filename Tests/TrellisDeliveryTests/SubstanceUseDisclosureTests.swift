import Foundation
import PropertyBased
import Testing
import TrellisCore
import TrellisDelivery
import TrellisTestSupport

/// Substance-use information (42 CFR Part 2) leaves only under the `substance_use` category: a need
/// whose detail is `substance_use` and the name of a service the taxonomy map files under it. Without
/// that category the payload says "clinical care" and nothing more; with it, the payload carries the
/// Part 2 security labels and the §2.32 redisclosure notice. Every other category is consented in
/// every case, so only the Part 2 rule can be what holds the information back.
@Suite struct SubstanceUseDisclosureTests {
    /// Where the substance-use information would come from.
    enum Source: String, CaseIterable, CustomStringConvertible, Sendable {
        /// The person's need is `clinical/substance_use`; the service is an ordinary counseling centre.
        case needDetail
        /// The person's need is `clinical/counseling`; the service is mapped to `clinical/substance_use`.
        case serviceMapping
        var description: String { rawValue }
    }

    static let substanceUseService = Service(
        id: "svc-sandhill", name: "Sandhill Withdrawal Management", organizationID: "ORG-42", organizationName: "Sandhill Health",
        taxonomyCodes: ["RX-1700"], categories: [NeedCategory(.clinical, NeedCategory.substanceUseDetail)],
        provenance: Provenance(format: .hsds, source: "test", file: "test.json", recordKey: "svc-sandhill", line: 1))
    static let counselingService = Service(
        id: "svc-riverside", name: "Riverside Counseling Center", organizationID: "ORG-42", organizationName: "Riverside Health",
        taxonomyCodes: ["RP-1400"], categories: [NeedCategory(.clinical, "counseling")],
        provenance: Provenance(format: .hsds, source: "test", file: "test.json", recordKey: "svc-riverside", line: 1))

    static func profile(_ source: Source) -> NeedsProfile {
        var profile = DeliveryFixtures.profile
        profile.needs = [NeedsProfile.Need(.clinical, source == .needDetail ? NeedCategory.substanceUseDetail : "counseling", urgency: .soon)]
        return profile
    }

    static func service(_ source: Source) -> Service { source == .needDetail ? counselingService : substanceUseService }

    static func disclosure(_ source: Source, part2: Bool) throws -> ReferralDisclosure {
        var referral = DeliveryFixtures.referral
        referral.needDomains = [.clinical]
        referral.serviceID = service(source).id
        let categories = Set(Consent.Category.allCases).subtracting(part2 ? [] : [.substanceUse])
        return try #require(ReferralDisclosure(referral: referral, consentID: "con-0001", consent: DeliveryFixtures.consent(categories),
                                               profile: profile(source), note: "Prefers morning calls", service: service(source),
                                               partner: DeliveryFixtures.partner(), now: DeliveryFixtures.now))
    }

    /// Text that only substance-use information (or its label and notice) puts into a payload.
    static let part2Markers = ["substance_use", "substance use", "substance-use", "withdrawal management", "42cfrpart2", "nordsclcd",
                               "42 cfr part 2", "redisclosure"]

    static func render(_ d: ReferralDisclosure, _ format: Partner.PayloadFormat) throws -> Data {
        format == .fhirR4 ? try FHIRReferralBundle.render(d) : try ReferralDocument.render(d)
    }

    static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func resources(_ bundle: [String: Any]) -> [[String: Any]] {
        (bundle["entry"] as? [[String: Any]] ?? []).compactMap { $0["resource"] as? [String: Any] }
    }

    static func securityCodes(_ resource: [String: Any]) -> Set<String> {
        Set(((resource["meta"] as? [String: Any])?["security"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String })
    }

    static func notes(_ resource: [String: Any]) -> [String] {
        (resource["note"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
    }

    @Test(arguments: Source.allCases, [false, true])
    func substanceUseGoesOutOnlyUnderPart2ConsentInTheFHIRBundle(source: Source, part2: Bool) throws {
        let data = try Self.render(try Self.disclosure(source, part2: part2), .fhirR4)
        let text = String(decoding: data, as: UTF8.self).lowercased()
        let bundle = try Self.object(data)
        let request = try #require(Self.resources(bundle).first { $0["resourceType"] as? String == "ServiceRequest" })
        let code = try #require(request["code"] as? [String: Any])
        let needsNote = try #require(Self.notes(request).first { $0.hasPrefix("Needs: ") })
        if part2 {
            for labelled in [bundle, request] {
                #expect(Self.securityCodes(labelled) == ["R", "42CFRPart2", "NORDSCLCD"], "\(source): labelled")
            }
            #expect(Self.notes(request).contains(ReferralDisclosure.part2Notice), "\(source): the §2.32 notice goes with it")
            switch source {
            case .needDetail:
                #expect(needsNote == "Needs: Clinical care, substance_use, soon")
                #expect(Self.notes(request).contains { $0.contains("substance-use needs: Clinical care, substance_use, soon") })
            case .serviceMapping:
                #expect(code["text"] as? String == "Referral to Sandhill Withdrawal Management")
            }
        } else {
            for marker in Self.part2Markers { #expect(!text.contains(marker), "\(source): \(marker) without Part 2 consent") }
            #expect(Self.securityCodes(bundle).isEmpty && Self.securityCodes(request).isEmpty, "\(source): no Part 2 label")
            switch source {
            case .needDetail:
                #expect(needsNote == "Needs: Clinical care, soon", "the need is its domain and urgency, nothing more")
                #expect(code["text"] as? String == "Referral to Riverside Counseling Center", "an ordinary service keeps its name")
            case .serviceMapping:
                #expect(code["text"] as? String == "Clinical care", "the service's name says what it is for: withheld")
                #expect(needsNote == "Needs: Clinical care, counseling, soon", "an ordinary need keeps its detail")
            }
        }
    }

    @Test(arguments: Source.allCases, [false, true])
    func substanceUseGoesOutOnlyUnderPart2ConsentInTheJSONDocument(source: Source, part2: Bool) throws {
        let data = try Self.render(try Self.disclosure(source, part2: part2), .json)
        let text = String(decoding: data, as: UTF8.self).lowercased()
        let document = try Self.object(data)
        let service = try #require(document["service"] as? [String: Any])
        let needs = try #require(document["needs"] as? [[String: Any]])
        let need = try #require(needs.first)
        #expect(needs.count == 1)
        if part2 {
            let part2Section = try #require(document["substance_use"] as? [String: Any])
            #expect(part2Section["redisclosure_notice"] as? String == ReferralDisclosure.part2Notice)
            #expect(document["security_labels"] as? [String] == ["R", "42CFRPart2", "NORDSCLCD"])
            switch source {
            case .needDetail:
                #expect(need["detail"] as? String == "substance_use")
                let part2Needs = try #require(part2Section["needs"] as? [[String: Any]])
                #expect(part2Needs.map { $0["detail"] as? String } == ["substance_use"])
            case .serviceMapping:
                #expect(service["name"] as? String == "Sandhill Withdrawal Management")
                #expect(part2Section["needs"] == nil, "no substance-use need to carry")
            }
        } else {
            for marker in Self.part2Markers { #expect(!text.contains(marker), "\(source): \(marker) without Part 2 consent") }
            #expect(document["substance_use"] == nil && document["security_labels"] == nil)
            switch source {
            case .needDetail:
                #expect(need["domain"] as? String == "clinical" && need["urgency"] as? String == "soon" && need["detail"] == nil)
                #expect(service["name"] as? String == "Riverside Counseling Center")
            case .serviceMapping:
                #expect(service["name"] as? String == "Clinical care")
                #expect(service["id"] as? String == "svc-sandhill", "the agency still learns which of its services")
                #expect(need["detail"] as? String == "counseling")
            }
        }
    }

    /// For any referral (needs in several domains, a service mapped to substance use or not) and any
    /// set of consented categories: substance-use information is in the payload only when the consent
    /// grants `substance_use`, and then always with the notice.
    @Test func part2InformationNeverLeavesWithoutItsCategory() async {
        let seeds = Gen.int(in: 0...Int(Int32.max)).map { UInt64($0) }
        await propertyCheck(count: 200, input: seeds) { seed in
            var rng = SplitMix64(seed: seed)
            let details: [NeedCategory] = [NeedCategory(.clinical, NeedCategory.substanceUseDetail), NeedCategory(.clinical, "counseling"),
                                           NeedCategory(.housing, "emergency_shelter"), NeedCategory(.clinical), NeedCategory(.employment, "job_search")]
            var profile = DeliveryFixtures.profile
            profile.needs = (0..<(1 + rng.int(below: 3))).map { _ in
                let category = details[rng.int(below: details.count)]
                return NeedsProfile.Need(category.domain, category.detail, urgency: NeedsProfile.Urgency.allCases[rng.int(below: 4)])
            }
            let service = rng.int(below: 2) == 0 ? Self.substanceUseService : Self.counselingService
            var referral = DeliveryFixtures.referral
            referral.needDomains = Array(Set(profile.needs.map(\.domain))).sorted()
            let categories = Set(Consent.Category.allCases.filter { _ in rng.int(below: 2) == 0 })
            guard !categories.isEmpty else { return }
            let disclosure = try #require(ReferralDisclosure(referral: referral, consentID: "con-1", consent: DeliveryFixtures.consent(categories),
                                                             profile: profile, note: nil, service: service, partner: DeliveryFixtures.partner(),
                                                             now: DeliveryFixtures.now))
            let sensitive = profile.needs.contains(where: \.isSubstanceUse) || service.isSubstanceUseService
            for format in [Partner.PayloadFormat.fhirR4, .json] {
                let payload = String(decoding: try Self.render(disclosure, format), as: UTF8.self)
                let lowered = payload.lowercased()
                if categories.contains(.substanceUse) {
                    #expect(payload.contains(ReferralDisclosure.part2Notice), "seed \(seed), \(format)")
                    #expect(lowered.contains("42cfrpart2"), "seed \(seed), \(format)")
                } else {
                    #expect(!lowered.contains("substance_use") && !lowered.contains("withdrawal management"), "seed \(seed), \(format)")
                    #expect(!lowered.contains("42cfrpart2") && !lowered.contains("redisclosure"), "seed \(seed), \(format)")
                }
                if sensitive && categories.contains(.substanceUse) && categories.contains(.needs) && profile.needs.contains(where: \.isSubstanceUse) {
                    #expect(lowered.contains("substance_use"), "seed \(seed), \(format): consented, so it goes")
                }
            }
        }
    }

    @Test func theNoticeIsTheWordingOf42CFR232() {
        let notice = ReferralDisclosure.part2Notice
        #expect(notice.hasPrefix("This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part 2). "))
        #expect(notice.contains("In addition, the Federal rules prohibit you from making any other use or disclosure of this record unless"))
        #expect(notice.hasSuffix("to further use or redisclose the record (see 42 CFR 2.31)."))
        #expect(!notice.contains("  ") && !notice.contains("\n"), "one paragraph, as the rule prints it")
    }

    /// Checked by fhir.resources (an independent FHIR R4 validator) and the referral JSON Schema (jsonschema).
    @Test func everyCombinationStaysValid() throws {
        var bundles = ""
        for source in Source.allCases {
            for part2 in [false, true] {
                let disclosure = try Self.disclosure(source, part2: part2)
                bundles += String(decoding: try FHIRReferralBundle.render(disclosure), as: UTF8.self) + "\n"
                let path = try DeliveryFixtures.temporaryFile(try ReferralDocument.render(disclosure))
                let schema = DeliveryFixtures.repository.appendingPathComponent("schemas/referral.schema.json").path
                let result = try DeliveryFixtures.validate("validate_json_schema.py", [schema, path])
                #expect(result.status == 0, "\(source), Part 2 \(part2): \(result.output)")
            }
        }
        let path = try DeliveryFixtures.temporaryFile(Data(bundles.utf8), suffix: ".jsonl")
        let result = try DeliveryFixtures.validate("validate_fhir.py", [path, "Bundle"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.split(separator: "\n").last == "valid 4", "\(result.output)")
    }

    /// A sober-living house takes only people in recovery, so its need and its name disclose a
    /// substance use disorder as treatment does: without Part 2 consent the payload says "housing"
    /// and the house stays unnamed.
    @Test(arguments: [false, true], [Partner.PayloadFormat.fhirR4, .json])
    func soberLivingIsSubstanceUseInformation(part2: Bool, format: Partner.PayloadFormat) throws {
        let house = Service(
            id: "svc-bluestem", name: "Bluestem Sober Living", organizationID: "ORG-42", organizationName: "Bluestem Recovery Homes",
            taxonomyCodes: ["RX-8500.8000"], categories: [NeedCategory(.housing, "sober_living")],
            provenance: Provenance(format: .hsds, source: "test", file: "test.json", recordKey: "svc-bluestem", line: 1))
        var profile = DeliveryFixtures.profile
        profile.needs = [NeedsProfile.Need(.housing, "sober_living", urgency: .soon)]
        var referral = DeliveryFixtures.referral
        referral.needDomains = [.housing]
        referral.serviceID = house.id
        let categories = Set(Consent.Category.allCases).subtracting(part2 ? [] : [.substanceUse])
        let disclosure = try #require(ReferralDisclosure(referral: referral, consentID: "con-0002", consent: DeliveryFixtures.consent(categories),
                                                         profile: profile, note: nil, service: house, partner: DeliveryFixtures.partner(),
                                                         now: DeliveryFixtures.now))
        let payload = String(decoding: try Self.render(disclosure, format), as: UTF8.self).lowercased()
        #expect(payload.contains("sober_living") == part2)
        #expect(payload.contains("bluestem sober living") == part2)
        #expect(payload.contains("42cfrpart2") == part2)
    }
}

