import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
@testable import TrellisServer

/// The profile form a person would give: each need with its own detail, urgency and notes, access
/// needs, the trauma-informed preference and their own words, through the real application.
@Suite struct ProfileFormTests {
    typealias Browser = WebPageTests.Browser

    static func unescaped(_ html: String) -> String {
        html.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    @Test func eachNeedKeepsItsOwnUrgencyAndNotesAndTheWordsShowBesideTheMatches() async throws {
        let site = try await WebPageTests.Site.make()
        try await site.test { client in
            var browser = Browser()
            _ = try await browser.signIn(client, as: "cw-1")
            let form = try await browser.get(client, "/")
            let formHTML = String(buffer: form.body)
            #expect(formHTML.contains("name=\"urgency_family_support\""))
            #expect(formHTML.contains("name=\"notes_transportation\""))
            #expect(formHTML.contains("<option value=\"caregiver_support\">Caregiver support</option>"))
            #expect(formHTML.contains("name=\"accessibility\" value=\"wheelchair\""))
            let csrf = try #require(WebPageTests.hidden("csrf", in: form))
            let fields = [("csrf", csrf), ("person_ref", "P-78"), ("postal_code", "68102"), ("languages", "en"),
                          ("need", "housing"), ("detail_housing", "emergency_shelter"), ("urgency_housing", "urgent"),
                          ("notes_housing", "Sleeping in her car since Friday"),
                          ("need", "family_support"), ("detail_family_support", "caregiver_support"), ("urgency_family_support", "routine"),
                          ("notes_family_support", "Her mother cares for her son"),
                          ("accessibility", "wheelchair"), ("trauma_informed", "yes"),
                          ("preference_notes", "Prefers a woman to talk to; mornings are hard")]
            let matches = try await browser.post(client, "/matches", fields)
            let html = Self.unescaped(String(buffer: matches.body))
            #expect(matches.status == .ok, "\(html.prefix(400))")
            #expect(html.contains("In the person's words: Sleeping in her car since Friday"))
            #expect(html.contains("In the person's words: Her mother cares for her son"))
            #expect(html.contains("<p>Prefers a woman to talk to; mornings are hard</p>"))
            #expect(html.contains("data-domain=\"family_support\""))
            #expect(html.contains("Family Caregiver Support Group"), "the sample directory's caregiver group is listed")
            #expect(html.contains("Access needs: wheelchair access"))
            let carried = try #require(WebPageTests.hidden("profile", in: matches)).replacingOccurrences(of: "&quot;", with: "\"")
            let profile = try JSONDecoder().decode(NeedsProfile.self, from: Data(carried.utf8))
            #expect(profile.needs.map(\.urgency) == [.urgent, .routine])
            #expect(profile.needs.map(\.notes) == ["Sleeping in her car since Friday", "Her mother cares for her son"])
            #expect(profile.preferences.accessibility == [.wheelchair])
            #expect(profile.preferences.traumaInformed)
        }
    }

    @Test func tooLongNotesAreRefusedByName() async throws {
        let site = try await WebPageTests.Site.make()
        try await site.test { client in
            var browser = Browser()
            _ = try await browser.signIn(client, as: "cw-1")
            let csrf = try #require(WebPageTests.hidden("csrf", in: try await browser.get(client, "/")))
            let long = String(repeating: "x", count: 501)
            let refused = try await browser.post(client, "/matches", [("csrf", csrf), ("person_ref", "P-79"), ("need", "education"), ("notes_education", long)])
            #expect(refused.status == .badRequest)
            #expect(String(buffer: refused.body).contains("needs[0].notes: notes are limited to 500 characters"))
        }
    }

    @Test func theNotesLeaveOnlyUnderTheNeedsCategory() async throws {
        let site = try await WebPageTests.Site.make()
        try await site.test { client in
            var browser = Browser()
            _ = try await browser.signIn(client, as: "cw-1")
            let csrf = try #require(WebPageTests.hidden("csrf", in: try await browser.get(client, "/")))
            let fields = [("csrf", csrf), ("person_ref", "P-80"), ("postal_code", "68102"), ("need", "benefits"),
                          ("notes_benefits", "Lost her Medicaid card"), ("preference_notes", "Call after noon")]
            let matches = try await browser.post(client, "/matches", fields)
            let carried = try #require(WebPageTests.hidden("profile", in: matches)).replacingOccurrences(of: "&quot;", with: "\"")
            let service = try #require(WebPageTests.hidden("service_id", in: matches))
            for (category, shared) in [("needs", true), ("demographics", false)] {
                let base = [("csrf", csrf), ("profile", carried), ("service_id", service), ("category", category), ("method", "verbal")]
                let page = String(buffer: try await browser.post(client, "/referrals/new", base + [("action", "preview")]).body)
                // Only what would leave: the preview of the payload, not the form that carries the profile.
                let start = try #require(page.range(of: "<pre id=\"disclosure-preview\">"))
                let shown = Self.unescaped(String(page[start.upperBound...].prefix { $0 != "<" }))
                #expect(shown.contains("Lost her Medicaid card") == shared, "\(category)")
                #expect(shown.contains("Call after noon") == shared, "\(category)")
            }
        }
    }
}
