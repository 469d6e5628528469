import Foundation
import Testing
import TrellisCore
@testable import TrellisServer

/// The pages' times in words: fixed instants in several zones, both daylight-saving edges, midnight
/// and noon, another year, and deadlines counted in business days over weekends and holidays.
@Suite struct PageTimeTests {
    static func instant(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }
    static func time(_ zone: String, now: String = "2026-12-07T12:00:00Z", holidays: [String] = []) -> PageTime {
        PageTime(calendar: BusinessCalendar(timeZone: TimeZone(identifier: zone)!, holidays: Set(holidays.compactMap { CalendarDay(iso: $0) })),
                 now: instant(now))
    }

    @Test(arguments: [
        ("2026-12-09T05:41:16Z", "America/Chicago", "Tue 8 Dec, 11:41 pm"),
        ("2026-12-09T05:41:16Z", "UTC", "Wed 9 Dec, 5:41 am"),
        ("2026-12-09T05:41:16Z", "Asia/Kolkata", "Wed 9 Dec, 11:11 am"),
        ("2026-12-09T05:41:16Z", "Pacific/Auckland", "Wed 9 Dec, 6:41 pm"),
        // Chicago springs forward at 2 am on 8 March 2026 and falls back at 2 am on 1 November.
        ("2026-03-08T07:59:00Z", "America/Chicago", "Sun 8 Mar, 1:59 am"),
        ("2026-03-08T08:00:00Z", "America/Chicago", "Sun 8 Mar, 3:00 am"),
        ("2026-11-01T06:30:00Z", "America/Chicago", "Sun 1 Nov, 1:30 am"),
        ("2026-11-01T07:30:00Z", "America/Chicago", "Sun 1 Nov, 1:30 am"),
        // London springs forward at 1 am on 29 March 2026.
        ("2026-03-29T00:30:00Z", "Europe/London", "Sun 29 Mar, 12:30 am"),
        ("2026-03-29T01:30:00Z", "Europe/London", "Sun 29 Mar, 2:30 am"),
        ("2026-12-09T06:00:00Z", "America/Chicago", "Wed 9 Dec, 12:00 am"),
        ("2026-12-09T18:00:00Z", "America/Chicago", "Wed 9 Dec, 12:00 pm"),
        ("2025-11-30T15:05:00Z", "America/Chicago", "Sun 30 Nov 2025, 9:05 am"),
        // New Year's Eve in Chicago is already next year in UTC: the year is the county's.
        ("2027-01-01T03:00:00Z", "America/Chicago", "Thu 31 Dec, 9:00 pm"),
    ])
    func momentsAreInTheCountysZoneInWords(iso: String, zone: String, expected: String) {
        #expect(Self.time(zone).moment(Self.instant(iso)) == expected)
    }

    @Test(arguments: [
        ("2026-12-08", "Tue 8 Dec"), ("2026-02-28", "Sat 28 Feb"), ("2024-02-29", "Thu 29 Feb 2024"), ("1970-01-01", "Thu 1 Jan 1970"),
    ])
    func directoryDaysAreInWords(iso: String, expected: String) throws {
        #expect(Self.time("America/Chicago").day(try #require(CalendarDay(iso: iso))) == expected)
    }

    @Test(arguments: [
        ("Capacity last reported 2026-11-01, over 30 days ago: counted as unknown", "Capacity last reported Sun 1 Nov, over 30 days ago: counted as unknown"),
        ("Verified 2025-10-29", "Verified Wed 29 Oct 2025"),
        ("No places open (as of 2026-12-04)", "No places open (as of Fri 4 Dec)"),
        ("Not a day: 2026-13-45", "Not a day: 2026-13-45"),
        ("No day here", "No day here"),
    ])
    func daysInTheMatchersTextsAreSaidInWords(text: String, expected: String) {
        #expect(Self.time("America/Chicago").wordingDays(in: text) == expected)
    }

    /// (now, due, holidays, expected), all in Chicago.
    @Test(arguments: [
        ("2026-12-04T21:00:00Z", "2026-12-08T21:00:00Z", [String](), "2 business days left"),   // Fri 3 pm → Tue 3 pm
        ("2026-12-07T15:00:00Z", "2026-12-08T21:00:00Z", [], "1 business day left"),            // Mon 9 am → Tue 3 pm
        ("2026-12-08T15:00:00Z", "2026-12-08T21:00:00Z", [], "due today by 3:00 pm"),
        ("2026-12-08T22:00:00Z", "2026-12-08T21:00:00Z", [], "overdue since 3:00 pm"),
        ("2026-12-09T16:00:00Z", "2026-12-07T21:00:00Z", [], "2 business days overdue"),        // Mon 3 pm → Wed 10 am
        ("2026-12-08T16:00:00Z", "2026-12-07T21:00:00Z", [], "1 business day overdue"),
        ("2026-12-05T16:00:00Z", "2026-12-04T21:00:00Z", [], "overdue since Fri 4 Dec, 3:00 pm"), // missed on Friday, read on Saturday
        ("2026-12-24T16:00:00Z", "2026-12-28T21:00:00Z", ["2026-12-25"], "1 business day left"),  // Christmas is not counted
        ("2026-12-24T16:00:00Z", "2026-12-28T21:00:00Z", [], "2 business days left"),
        ("2026-12-05T16:00:00Z", "2026-12-06T16:00:00Z", [], "due Sun 6 Dec, 10:00 am"),          // a weekend deadline (not one Trellis sets)
        // 11 pm on Tue 8 Dec in Chicago is already Wednesday in UTC: the day counted is the county's.
        ("2026-12-08T15:00:00Z", "2026-12-09T05:00:00Z", [], "due today by 11:00 pm"),
    ])
    func deadlinesCountBusinessDaysInTheCountysZone(now: String, due: String, holidays: [String], expected: String) {
        #expect(Self.time("America/Chicago", now: now, holidays: holidays).deadline(Self.instant(due)) == expected)
    }

    @Test func aDueTimeSaysWhenAndHowItStands() {
        let time = Self.time("America/Chicago", now: "2026-12-04T21:00:00Z")
        #expect(time.due(Self.instant("2026-12-08T21:00:00Z")) == "Tue 8 Dec, 3:00 pm · 2 business days left")
    }

    @Test func aDeadlineYearsAwayIsCountedWithoutRunningOn() {
        let time = Self.time("UTC", now: "2026-12-07T12:00:00Z")
        let far = time.deadline(Self.instant("9999-12-31T12:00:00Z"))
        #expect(far == "2614 business days left", "ten years of days at most are counted")
    }
}

/// The person's receipt is kept and shown later: its times are the county's, always with the year.
@Suite struct ReceiptTimeTests {
    @Test(arguments: [
        ("2026-12-09T05:41:16.120Z", "America/Chicago", "Tue 8 Dec 2026, 11:41 pm"),
        ("2026-12-09T05:41:16Z", "UTC", "Wed 9 Dec 2026, 5:41 am"),
        ("2025-11-30T15:05:00Z", "America/Chicago", "Sun 30 Nov 2025, 9:05 am"),
        ("2027-01-01T03:00:00Z", "America/Chicago", "Thu 31 Dec 2026, 9:00 pm"),
        ("not a time", "UTC", "not a time"),
    ])
    func receiptTimesCarryTheCountysZoneAndTheYear(text: String, zone: String, expected: String) {
        #expect(WebController.spoken(text, time: PageTimeTests.time(zone)) == expected)
    }
}
