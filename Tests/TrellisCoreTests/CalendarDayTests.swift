import Foundation
import PropertyBased
import Testing
@testable import TrellisCore

/// A day without a time or zone, as directories write "date last verified": parsing, the calendar's
/// rules (month lengths, leap years), arithmetic through the epoch, order, JSON, and today in UTC.
@Suite struct CalendarDayTests {
    @Test func readsISODates() {
        #expect(CalendarDay(iso: "2016-04-14")?.description == "2016-04-14")
        #expect(CalendarDay(iso: "2016-04-14T05:01:43.82-05:00") == CalendarDay(year: 2016, month: 4, day: 14))
        #expect(CalendarDay(iso: "2016-02-30") == nil)
        #expect(CalendarDay(iso: "14/04/2016") == nil)
        #expect(CalendarDay(iso: "") == nil)
    }

    @Test(arguments: ["2016-4-14", "2016/04/14", "20160414", "2016-04-1", "2016-13-01", "2016-00-10", "2016-01-00", "0000-01-01",
                      "+016-04-14", "2016-04-1x", "２０１６-04-14", "2016-04"])
    func refusesWhatIsNotADay(text: String) {
        #expect(CalendarDay(iso: text) == nil, "\(text)")
    }

    /// February has 29 days in years divisible by 4, except centuries not divisible by 400.
    @Test(arguments: [(2024, 29), (2023, 28), (2000, 29), (1900, 28), (2100, 28), (2400, 29), (4, 29), (1, 28)])
    func februaryFollowsTheLeapYearRule(year: Int, days: Int) {
        #expect(CalendarDay.daysIn(month: 2, year: year) == days)
        #expect(CalendarDay(year: year, month: 2, day: days) != nil)
        #expect(CalendarDay(year: year, month: 2, day: days + 1) == nil)
    }

    @Test(arguments: [(1, 31), (3, 31), (4, 30), (5, 31), (6, 30), (7, 31), (8, 31), (9, 30), (10, 31), (11, 30), (12, 31)])
    func otherMonthsHaveTheirFixedLength(month: Int, days: Int) {
        #expect(CalendarDay.daysIn(month: month, year: 2026) == days)
        #expect(CalendarDay(year: 2026, month: month, day: days + 1) == nil)
    }

    @Test(arguments: [(0, 1, 1), (10_000, 1, 1), (2026, 0, 1), (2026, 13, 1), (2026, 1, 0), (2026, 1, 32), (-1, 6, 1)])
    func refusesOutOfRangeParts(year: Int, month: Int, day: Int) {
        #expect(CalendarDay(year: year, month: month, day: day) == nil)
    }

    @Test func knownEpochDays() {
        #expect(CalendarDay(year: 1970, month: 1, day: 1)?.daysSinceEpoch == 0)
        #expect(CalendarDay(year: 2000, month: 3, day: 1)?.daysSinceEpoch == 11_017)
        #expect(CalendarDay(year: 1969, month: 12, day: 31)?.daysSinceEpoch == -1)
    }

    @Test(arguments: [
        ("2026-11-22", 10, "2026-12-02"), ("2026-12-31", 1, "2027-01-01"), ("2024-02-28", 1, "2024-02-29"),
        ("2023-02-28", 1, "2023-03-01"), ("2026-03-01", -1, "2026-02-28"), ("2000-02-29", 365, "2001-02-28"), ("2026-06-30", 0, "2026-06-30"),
    ])
    func addingDaysCrossesMonthsAndYears(from: String, days: Int, to: String) throws {
        let day = try #require(CalendarDay(iso: from))
        #expect(day.adding(days: days).description == to)
    }

    @Test func daysRoundTripThroughTheEpoch() async {
        await propertyCheck(input: Gen.int(in: -200_000...200_000)) { days in
            let day = CalendarDay(daysSinceEpoch: days)
            #expect(day.daysSinceEpoch == days)
            #expect(CalendarDay(iso: day.description) == day)
        }
    }

    /// The arithmetic agrees with Foundation's Gregorian calendar in UTC, day for day.
    @Test func agreesWithFoundationsCalendar() async {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        await propertyCheck(input: Gen.int(in: -100_000...100_000)) { days in
            let parts = utc.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(days) * 86_400))
            #expect(CalendarDay(year: parts.year!, month: parts.month!, day: parts.day!) == CalendarDay(daysSinceEpoch: days))
        }
    }

    @Test func orderFollowsTime() async {
        await propertyCheck(input: Gen.int(in: -100_000...100_000), Gen.int(in: -100_000...100_000)) { a, b in
            #expect((CalendarDay(daysSinceEpoch: a) < CalendarDay(daysSinceEpoch: b)) == (a < b))
        }
    }

    @Test func isAJSONStringAndSaysWhatItExpected() throws {
        let day = try #require(CalendarDay(year: 2026, month: 6, day: 30))
        #expect(String(decoding: try JSONEncoder().encode([day]), as: UTF8.self) == #"["2026-06-30"]"#)
        #expect(try JSONDecoder().decode([CalendarDay].self, from: Data(#"["2026-06-30"]"#.utf8)) == [day])
        let error = #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([CalendarDay].self, from: Data(#"["30/06/2026"]"#.utf8))
        }
        guard case .dataCorrupted(let context)? = error else { Issue.record("expected dataCorrupted, got \(String(describing: error))"); return }
        #expect(context.debugDescription == #"expected a date as YYYY-MM-DD, got "30/06/2026""#)
    }

    /// Today in UTC, whatever the machine's zone: read relative to now, on either side of a midnight.
    @Test func todayIsTheUTCDateOfNow() {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        func utcDay(_ date: Date) -> CalendarDay? {
            let parts = utc.dateComponents([.year, .month, .day], from: date)
            return CalendarDay(year: parts.year!, month: parts.month!, day: parts.day!)
        }
        let before = utcDay(Date())
        let today = CalendarDay.today
        let after = utcDay(Date())
        #expect(today == before || today == after)
    }
}
