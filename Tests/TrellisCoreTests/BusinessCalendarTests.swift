import Foundation
import PropertyBased
import Testing
@testable import TrellisCore

@Suite struct BusinessCalendarTests {
    static func at(_ text: String) -> Date { try! Date.ISO8601FormatStyle().parse(text) }

    struct Case: Sendable, CustomTestStringConvertible {
        var sent: String
        var days: Int
        var due: String
        var testDescription: String { "\(sent) + \(days)" }
    }

    /// Deadlines in UTC with Thanksgiving (Thursday 2026-11-26) off.
    @Test(arguments: [
        Case(sent: "2026-11-16T10:00:00Z", days: 2, due: "2026-11-18T10:00:00Z"),  // Monday → Wednesday
        Case(sent: "2026-11-20T16:30:00Z", days: 2, due: "2026-11-24T16:30:00Z"),  // Friday → Tuesday
        Case(sent: "2026-11-21T09:00:00Z", days: 2, due: "2026-11-24T09:00:00Z"),  // Saturday → Tuesday
        Case(sent: "2026-11-22T23:59:00Z", days: 1, due: "2026-11-23T23:59:00Z"),  // Sunday → Monday
        Case(sent: "2026-11-25T09:00:00Z", days: 2, due: "2026-11-30T09:00:00Z"),  // over Thanksgiving and a weekend
        Case(sent: "2026-11-25T09:00:00Z", days: 0, due: "2026-11-25T09:00:00Z"),
        Case(sent: "2026-12-31T12:00:00Z", days: 5, due: "2027-01-07T12:00:00Z"),  // across a year
    ])
    func deadlinesSkipWeekendsAndHolidays(_ c: Case) {
        let calendar = BusinessCalendar(holidays: [CalendarDay(year: 2026, month: 11, day: 26)!])
        #expect(calendar.adding(businessDays: c.days, to: Self.at(c.sent)) == Self.at(c.due))
    }

    @Test func deadlinesCountInTheCountysTimeZone() throws {
        // 23:30 Friday in Omaha is already Saturday in UTC: still due Tuesday 23:30 Omaha time.
        let central = BusinessCalendar(timeZone: try #require(TimeZone(identifier: "America/Chicago")))
        #expect(central.adding(businessDays: 2, to: Self.at("2026-11-21T05:30:00Z")) == Self.at("2026-11-25T05:30:00Z"))
        // Counted in UTC the same moment is a Saturday, due Tuesday UTC.
        #expect(BusinessCalendar().adding(businessDays: 2, to: Self.at("2026-11-21T05:30:00Z")) == Self.at("2026-11-24T05:30:00Z"))
    }

    @Test func aDeadlineFallsOnABusinessDayAtTheSameTimeOfDayAndNeverEarlier() async {
        let calendar = BusinessCalendar(holidays: [CalendarDay(year: 2026, month: 12, day: 25)!])
        await propertyCheck(input: Gen.int(in: 0...(3 * 365 * 24)), Gen.int(in: 1...15)) { hours, days in
            let sent = Self.at("2026-01-01T00:00:00Z").addingTimeInterval(Double(hours) * 3600)
            let due = calendar.adding(businessDays: days, to: sent)
            #expect(calendar.isBusinessDay(calendar.day(of: due)))
            #expect(due.timeIntervalSince(sent).truncatingRemainder(dividingBy: 86_400) == 0)
            // At least `days` calendar days; at most a full week for every five business days (the
            // calendar's one holiday counted as one more), plus a weekend when it is sent on one.
            let elapsed = Int(due.timeIntervalSince(sent) / 86_400)
            #expect(elapsed >= days && elapsed <= (days + 1 + 4) / 5 * 7 + 2)
        }
    }

    /// Sent on the Friday before Christmas, five business days later is the Monday after it: a
    /// weekend, the holiday and another weekend lie between (the case the first bound above missed).
    @Test func aHolidayBetweenTwoWeekendsIsSkippedWithThem() {
        let calendar = BusinessCalendar(holidays: [CalendarDay(year: 2026, month: 12, day: 25)!])
        let due = calendar.adding(businessDays: 5, to: Self.at("2026-12-18T00:00:00Z"))
        #expect(due == Self.at("2026-12-28T00:00:00Z"))
    }
}

@Suite struct PartnerTests {
    static func decode(_ json: String) throws -> Partner { try JSONDecoder().decode(Partner.self, from: Data(json.utf8)) }

    @Test func theContractExampleDecodesAndRoundTrips() throws {
        let partner = try Self.decode("""
            {"id": "harbor-house", "organizations": ["ORG-42"], "endpoint": "https://harbor.example.org/referrals",
             "format": "fhir-r4", "auth": {"bearer_env": "HARBOR_TOKEN"}, "signing_secrets": ["whsec_abc"],
             "ca_bundle": null, "response_deadline_business_days": 2, "status_mode": "callback"}
            """)
        #expect(partner.id == "harbor-house" && partner.format == .fhirR4 && partner.auth.bearerEnvironment == "HARBOR_TOKEN")
        #expect(partner.endpoint?.absoluteString == "https://harbor.example.org/referrals")
        #expect(try Self.decode(String(decoding: try JSONEncoder().encode(partner), as: UTF8.self)) == partner)
    }

    @Test(arguments: [
        ("https://harbor.example.org/r", nil),
        ("http://127.0.0.1:8080/r", nil),
        ("http://localhost/r", nil),
        ("http://harbor.example.org/r", "https"),
        ("ftp://harbor.example.org/r", "https"),
        ("file:///etc/passwd", "absolute"),
    ] as [(String, String?)])
    func onlyHTTPSOrLoopbackHTTPEndpoints(_ endpoint: String, _ problem: String?) throws {
        let json = #"{"id": "p", "organizations": ["O"], "endpoint": "\#(endpoint)"}"#
        if let problem {
            #expect { try Self.decode(json) } throws: { "\($0)".contains(problem) }
        } else {
            #expect(try Self.decode(json).endpoint?.absoluteString == endpoint)
        }
    }

    @Test(arguments: [
        #"{"id": "p", "organizations": ["O"], "endpoint": "https://x.org", "colour": "red"}"#,
        #"{"id": "p", "organizations": [], "endpoint": "https://x.org"}"#,
        #"{"id": "p", "organizations": ["O"], "endpoint": "https://x.org", "auth": {"client_certificate": "c.pem"}}"#,
        #"{"id": "p", "organizations": ["O"], "endpoint": "https://x.org", "response_deadline_business_days": -1}"#,
        #"{"id": " ", "organizations": ["O"], "endpoint": "https://x.org"}"#,
    ])
    func badEntriesAreRefused(_ json: String) {
        #expect(throws: DecodingError.self) { try Self.decode(json) }
    }
}
