import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
@testable import TrellisServer
import TrellisStore
import TrellisTestSupport

/// The pages as a case worker reads them, through the real application: organizations and services by
/// name, times in words (never ISO), each match's phone as a tel: link with how to apply, reasons in
/// words, the status in a sentence, and the dashboard's chart naming agencies.
@Suite struct ReadablePagesTests {
    typealias Site = WebPageTests.Site
    typealias Browser = WebPageTests.Browser

    /// An ISO 8601 date-time ("2026-12-08T23:41:16"): the pages must not show one.
    static var isoTime: Regex<Substring> { /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/ }

    /// Text as the templates write it (swift-mustache escapes these five).
    static func html(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }

    static let profile = [("person_ref", "P-88"), ("age", "39"), ("postal_code", "68102"), ("languages", "en"),
                          ("need", "housing"), ("urgency", "soon"), ("max_distance_km", "25"), ("name", "Maria Ortega")]

    /// Signs in as the case worker, ranks housing and sends a referral to the first match (needs only).
    static func sendReferral(_ client: any TestClientProtocol, _ browser: inout Browser) async throws -> (matches: String, referral: String, service: String) {
        _ = try await browser.signIn(client, as: "cw-1")
        let csrf = try #require(WebPageTests.hidden("csrf", in: try await browser.get(client, "/")))
        let matches = try await browser.post(client, "/matches", [("csrf", csrf)] + profile)
        #expect(matches.status == .ok)
        let carried = try #require(WebPageTests.hidden("profile", in: matches)).replacingOccurrences(of: "&quot;", with: "\"")
        let service = try #require(WebPageTests.hidden("service_id", in: matches))
        let sent = try await browser.post(client, "/referrals/new", [("csrf", csrf), ("profile", carried), ("service_id", service),
                                                                     ("category", "needs"), ("method", "verbal"), ("action", "send")])
        #expect(sent.status == .seeOther)
        let location = try #require(sent.headers[.location])
        return (String(buffer: matches.body), String(location.split(separator: "/").last ?? ""), service)
    }

    @Test func matchesShowHowToReachEachServiceAndWhyInWords() async throws {
        let site = try await Site.make()
        let store = site.rig.store
        try await site.test { client in
            var browser = Browser()
            let (matches, _, service) = try await Self.sendReferral(client, &browser)
            let record = try #require(try await store.service(id: service))
            let contact = ServiceContact(record)
            let phone = try #require(contact.phones.first, "the first housing match lists a phone in the Riverbend directory")
            #expect(matches.contains("<a class=\"tel\" href=\"\(phone.link)\">\(Self.html(phone.text))</a>"))
            #expect(matches.contains("Warm handoff:</strong> Call \(Self.html(phone.text)) and ask for intake; mention the Trellis referral."))
            let apply = try #require(record.applicationProcess, "the directory's application process is kept in the stored service")
            #expect(matches.contains("<dt>How to apply</dt><dd>\(Self.html(apply))</dd>"))
            #expect(matches.contains("— <span class=\"effect\">ranks higher</span>"))
            #expect(!matches.contains("+0.00"), "no reason is a bare number")
            #expect(!matches.contains("Capacity not reported"), "a zero-weight factor that says only 'unknown' is left out")
            #expect(matches.contains("Douglas County") && !matches.contains("DOUGLAS"), "counties in their proper case")
            #expect(matches.firstMatch(of: Self.isoTime) == nil)
            #expect(matches.firstMatch(of: /<li class="reason-[a-z]+"[^>]*>[^<]*\d{4}-\d{2}-\d{2}/) == nil, "the reasons' days in words too")
        }
    }

    @Test func theTrackerAndReferralNameTheAgencyAndSayTimesInWords() async throws {
        let site = try await Site.make()
        let store = site.rig.store
        try await site.test { client in
            var browser = Browser()
            let (_, referral, service) = try await Self.sendReferral(client, &browser)
            let record = try #require(try await store.service(id: service))
            let agency = Self.html(record.organizationName)
            #expect(agency != record.organizationID)

            let tracker = String(buffer: try await browser.get(client, "/referrals").body)
            #expect(tracker.contains("<span title=\"\(record.organizationID)\">\(agency)</span>"), "the agency by name, its id in the title")
            #expect(tracker.contains("<option value=\"\(record.organizationID)\">\(agency)</option>"), "the agency filter names it too")
            #expect(tracker.firstMatch(of: Self.isoTime) == nil, "no ISO time on the tracker")
            #expect(tracker.contains("Waiting for \(agency) to answer; "))

            let page = String(buffer: try await browser.get(client, "/referrals/\(referral)").body)
            #expect(page.contains("id=\"referral-status\" class=\"status status-requested\">requested<"))
            #expect(page.contains("<dd id=\"referral-agency\">\(agency) <span class=\"id\">\(record.organizationID)</span></dd>"))
            let sentence = try #require(page.firstMatch(of: /<p id="status-sentence"[^>]*>([^<]*)<\/p>/)).1
            #expect(sentence.hasPrefix("Waiting for \(agency) to answer; ") && sentence.contains("business day"), "\(sentence)")
            #expect(page.firstMatch(of: Self.isoTime) == nil, "no ISO time on the referral page")
            #expect(page.firstMatch(of: /<time>(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}( \d{4})?, \d{1,2}:\d{2} (am|pm)<\/time>/) != nil,
                    "the timeline's times in words")
            #expect(page.contains("href=\"tel:"), "the referral page says how to reach the agency")
        }
    }

    @Test func theCaseWorkerSeesThePersonsNameInTheSentenceAndTheSupervisorDoesNot() async throws {
        let site = try await Site.make()
        let store = site.rig.store
        try await site.test { client in
            var browser = Browser()
            let (_, referral, _) = try await Self.sendReferral(client, &browser)
            _ = try await store.changeStatus(StatusChangeRequest(referralID: referral, status: .accepted, party: .agency, source: .api),
                                             context: AuditContext(actor: "partner-1", purpose: "coordination"))
            let mine = String(buffer: try await browser.get(client, "/referrals/\(referral)").body)
            #expect(mine.contains("; next: they will contact Maria Ortega."), "the referring case worker may see the name")
            var supervisor = Browser()
            _ = try await supervisor.signIn(client, as: "sup-1")
            let theirs = String(buffer: try await supervisor.get(client, "/referrals/\(referral)").body)
            #expect(theirs.contains("; next: they will contact the person."))
            #expect(!theirs.contains("Maria"))
        }
    }

    @Test func theDashboardChartNamesAgenciesAndHasATable() async throws {
        let site = try await Site.make()
        let store = site.rig.store
        try await site.test { client in
            var browser = Browser()
            let (_, _, service) = try await Self.sendReferral(client, &browser)
            let record = try #require(try await store.service(id: service))
            var supervisor = Browser()
            _ = try await supervisor.signIn(client, as: "sup-1")
            let dashboard = String(buffer: try await supervisor.get(client, "/dashboard").body)
            let chart = try #require(dashboard.firstMatch(of: /<svg id="loop-closure-chart"[\s\S]*?<\/svg>/)).0
            #expect(chart.contains("<title id=\"chart-title\">") && chart.contains("<desc id=\"chart-desc\">"))
            let label = record.organizationName.count > LoopClosureChart.labelCharacters
                ? String(record.organizationName.prefix(LoopClosureChart.labelCharacters - 1)) + "…" : record.organizationName
            #expect(chart.contains(">\(LoopClosureChart.escape(label))</text>"), "the bar is labelled with the agency's name")
            #expect(!chart.contains(">\(record.organizationID)</text>"), "not with its id")
            #expect(dashboard.contains("<caption>Loop closure by agency, as a table (the chart's figures)</caption>"))
            #expect(dashboard.contains("<th scope=\"row\"><span title=\"\(record.organizationID)\">\(Self.html(record.organizationName))</span></th>"))
            #expect(dashboard.firstMatch(of: Self.isoTime) == nil)
        }
    }

    @Test func theInboxNamesTheAgencyAndShowsNoOverdueFlagWhenNothingIsOverdue() async throws {
        let (site, referral, _) = try await InboxPageTests.site()
        let store = site.rig.store
        try await site.test { client in
            let record = try #require(try await store.service(id: referral.serviceID))
            var desk = Browser()
            _ = try await desk.signIn(client, as: "desk-1")
            let inbox = String(buffer: try await desk.get(client, "/inbox").body)
            #expect(inbox.contains("Referrals sent to \(Self.html(record.organizationName))."), "the agency by name, not \(record.organizationID)")
            #expect(!inbox.contains("overdue-flag"), "no '0 overdue' flag")
            #expect(inbox.contains("business day"), "the answer deadline in business days")
            #expect(inbox.firstMatch(of: Self.isoTime) == nil)
            let page = String(buffer: try await desk.get(client, "/inbox/\(referral.id)").body)
            #expect(page.firstMatch(of: Self.isoTime) == nil)
            #expect(page.contains("<dt>For</dt><dd>\(Self.html(record.organizationName)) <span class=\"id\">\(record.organizationID)</span></dd>"))
        }
    }
}
