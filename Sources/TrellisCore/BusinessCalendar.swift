public import Foundation

/// Working days in the county's time zone: Monday to Friday, less the holidays it lists. Response
/// deadlines count these days, so a referral sent on Friday afternoon is due on Tuesday afternoon.
public struct BusinessCalendar: Hashable, Sendable {
    public var timeZone: TimeZone
    public var holidays: Set<CalendarDay>

    public init(timeZone: TimeZone = TimeZone(identifier: "UTC")!, holidays: Set<CalendarDay> = []) {
        self.timeZone = timeZone
        self.holidays = holidays
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    public func day(of date: Date) -> CalendarDay {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return CalendarDay(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    public func isBusinessDay(_ day: CalendarDay) -> Bool {
        // 1970-01-01 was a Thursday: 0 = Thursday … 2 = Saturday, 3 = Sunday.
        let weekday = ((day.daysSinceEpoch % 7) + 7) % 7
        return weekday != 2 && weekday != 3 && !holidays.contains(day)
    }

    /// The same local time of day on the `count`th business day after `start`'s day.
    public func adding(businessDays count: Int, to start: Date) -> Date {
        let calendar = self.calendar
        var date = start
        var remaining = max(0, count)
        while remaining > 0 {
            guard let next = calendar.date(byAdding: .day, value: 1, to: date) else { break }
            date = next
            if isBusinessDay(day(of: date)) { remaining -= 1 }
        }
        return date
    }
}
