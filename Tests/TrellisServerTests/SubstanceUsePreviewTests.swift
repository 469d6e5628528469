import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
import TrellisDelivery
import TrellisDirectory
import TrellisStore
import TrellisTestSupport

/// The referral page's preview shows exactly what would leave, so it holds back substance-use
/// information (42 CFR Part 2) just as the payloads do: a `substance_use` need and the name of a
/// service the sample county's taxonomy map files under substance use, in both payload formats,
/// with and without the `substance_use` category. Every other category is ticked in every case.
@Suite struct SubstanceUsePreviewTests {
    enum Source: String, CaseIterable, CustomStringConvertible, Sendable {
        /// A `clinical/substance_use` need, referred to an ordinary clinical service.
        case needDetail
        /// A `clinical/counseling` need, referred to a service mapped to substance use.
        case serviceMapping
        var description: String { rawValue }
    }

    /// The sample county's services, read as the site reads them.
    static func sampleServices() throws -> [Service] {
        let repository = DeliveryFixtures.repository
        let taxonomy = try TaxonomyMap(json: Data(contentsOf: repository.appendingPathComponent("config/taxonomy-map.json")))
        var merged = DirectoryImport(keepsServices: true)
        for file in ["riverbend.airs.xml", "riverbend.hsds.json"] {
            _ = DirectoryReader(taxonomy: taxonomy).read(path: repository.appendingPathComponent("config/directories/\(file)").path, into: &merged)
        }
        return merged.sortedServices
    }

    static func profile(_ source: Source) -> NeedsProfile {
        var person = NeedsProfile.Person(ref: "P-2-\(source)", age: 41, languages: ["en"], county: "Douglas", state: "NE")
        person.name = "Dana Whitfield"
        var profile = NeedsProfile(person: person, needs: [.init(.clinical, source == .needDetail ? NeedCategory.substanceUseDetail : "counseling",
                                                                 urgency: .soon)])
        profile.circumstances.activeSubstanceUse = true
        return profile
    }

    /// The pretty-printed payload inside `<pre id="disclosure-preview">`, unescaped and parsed.
    static func preview(in response: TestResponse) throws -> (text: String, object: [String: Any]) {
        let html = String(buffer: response.body)
        let start = try #require(html.range(of: "<pre id=\"disclosure-preview\">"), "\(html.prefix(600))")
        let end = try #require(html.range(of: "</pre>", range: start.upperBound..<html.endIndex))
        var text = String(html[start.upperBound..<end.lowerBound])
        for (entity, character) in [("&quot;", "\""), ("&#39;", "'"), ("&#x27;", "'"), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return (text, object)
    }

    static let part2Markers = ["substance_use", "substance use", "substance-use", "addiction", "detox", "withdrawal", "42cfrpart2",
                               "nordsclcd", "42 cfr part 2", "redisclosure"]

    @Test func thePreviewHoldsBackSubstanceUseWithoutPart2Consent() async throws {
        let services = try Self.sampleServices()
        // A treatment service (filed under clinical care), not a sober-living house (filed under housing).
        let sud = try #require(services.first { service in
            service.availableForReferral && service.categories.contains { $0.isSubstanceUse && $0.domain == .clinical }
        }, "the sample county has a substance-use treatment service")
        let ordinary = try #require(services.first { service in
            service.categories.contains(NeedCategory(.clinical, "counseling")) && !service.isSubstanceUseService
                && !service.organizationName.lowercased().contains("recovery")
        })
        let site = try await WebPageTests.Site.make()
        try await site.test { client in
            var browser = WebPageTests.Browser()
            _ = try await browser.signIn(client, as: "cw-1")
            let csrf = try #require(WebPageTests.hidden("csrf", in: try await browser.get(client, "/")))
            var checked = 0
            for source in Source.allCases {
                let service = source == .needDetail ? ordinary : sud
                for format in [Partner.PayloadFormat.fhirR4, .json] {
                    var partner = DeliveryRig.partner("agency-\(service.organizationID)", endpoint: "http://127.0.0.1:9/in",
                                                      organizations: [service.organizationID])
                    partner.format = format
                    try await site.rig.store.savePartner(partner, context: AuditContext(actor: "admin-1", purpose: "operations"))
                    for part2 in [false, true] {
                        let what = "\(source), \(format.rawValue), Part 2 consent \(part2)"
                        let encoder = JSONEncoder()
                        encoder.outputFormatting = [.sortedKeys]
                        let carried = String(decoding: try encoder.encode(Self.profile(source)), as: UTF8.self)
                        let categories = Consent.Category.allCases.filter { part2 || $0 != .substanceUse }
                        let form = [("csrf", csrf), ("profile", carried), ("service_id", service.id), ("method", "written"), ("action", "preview")]
                            + categories.map { ("category", $0.rawValue) }
                        let response = try await browser.post(client, "/referrals/new", form)
                        #expect(response.status == .ok, "\(what)")
                        let (payload, object) = try Self.preview(in: response)
                        let text = payload.lowercased()
                        #expect(text.contains("dana whitfield"), "\(what): the other categories do leave")
                        if part2 {
                            #expect(text.contains("42cfrpart2") && text.contains("nordsclcd"), "\(what): labelled")
                            #expect(payload.contains(ReferralDisclosure.part2Notice), "\(what): with the §2.32 notice")
                            switch source {
                            case .needDetail: #expect(text.contains("substance_use"), "\(what): the need goes out")
                            case .serviceMapping: #expect(payload.contains(service.name), "\(what): the service's name goes out")
                            }
                        } else {
                            for marker in Self.part2Markers { #expect(!text.contains(marker), "\(what): \(marker)") }
                            if source == .serviceMapping { #expect(!payload.contains(service.name), "\(what): the service's name is withheld") }
                            if format == .json {
                                #expect((object["service"] as? [String: Any])?["name"] as? String
                                        == (source == .serviceMapping ? "Clinical care" : service.name), "\(what)")
                            } else {
                                #expect(object["resourceType"] as? String == "Bundle", "\(what): a FHIR Bundle")
                            }
                        }
                        checked += 1
                    }
                }
            }
            #expect(checked == 8)
        }
    }
}
