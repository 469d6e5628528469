import Foundation
import TrellisCore

/// Times as the pages say them: in the county's time zone (the business calendar's, `referrals.time_zone`),
/// in words a case worker reads at a glance ("Tue 8 Dec, 11:41 pm"), and deadlines counted in the
/// business days the deadline itself was counted in ("2 business days left", "1 business day overdue").
/// Written out by hand rather than with a locale's formatter, so every server says it the same way.
struct PageTime: Sendable {
    let calendar: BusinessCalendar
    /// The page's "now": a time in another year than this one carries its year.
    let now: Date

    init(calendar: BusinessCalendar, now: Date) {
        self.calendar = calendar
        self.now = now
    }

    static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private var gregorian: Calendar {
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = calendar.timeZone
        return gregorian
    }

    /// "Tue 8 Dec, 11:41 pm"; "Mon 30 Nov 2025, 9:05 am" outside the current year.
    func moment(_ date: Date) -> String {
        "\(day(date)), \(clock(date))"
    }

    /// "Tue 8 Dec" (with the year outside the current one).
    func day(_ date: Date) -> String {
        let parts = gregorian.dateComponents([.year, .month, .day, .weekday], from: date)
        let (year, month, day, weekday) = (parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1, parts.weekday ?? 1)
        let thisYear = gregorian.component(.year, from: now)
        let name = "\(Self.weekdays[(weekday - 1) % 7]) \(day) \(Self.months[(month - 1) % 12])"
        return year == thisYear ? name : "\(name) \(year)"
    }

    /// A directory's day ("last verified", a capacity report's date), which has no time or zone.
    func day(_ day: CalendarDay) -> String {
        // 1970-01-01 was a Thursday (index 4).
        let weekday = (((day.daysSinceEpoch % 7) + 7) % 7 + 4) % 7
        let name = "\(Self.weekdays[weekday]) \(day.day) \(Self.months[(day.month - 1) % 12])"
        return day.year == gregorian.component(.year, from: now) ? name : "\(name) \(day.year)"
    }

    /// A text with directory days in it ("Capacity last reported 2026-11-01") with each day in words
    /// ("Capacity last reported Sun 1 Nov"): the matcher's reasons are written for the API.
    func wordingDays(in text: String) -> String {
        text.replacing(/\d{4}-\d{2}-\d{2}/) { match in CalendarDay(iso: match.output).map(day) ?? String(match.output) }
    }

    /// The year of `date` in the county's zone.
    func year(_ date: Date) -> Int {
        gregorian.component(.year, from: date)
    }

    /// "11:41 pm", "12:05 am", "12:00 pm".
    func clock(_ date: Date) -> String {
        let parts = gregorian.dateComponents([.hour, .minute], from: date)
        let (hour, minute) = (parts.hour ?? 0, parts.minute ?? 0)
        let twelve = hour % 12 == 0 ? 12 : hour % 12
        return "\(twelve):\(minute < 10 ? "0" : "")\(minute) \(hour < 12 ? "am" : "pm")"
    }

    /// How a deadline stands now, in business days: "2 business days left", "due today by 3:41 pm",
    /// "overdue since 3:41 pm", "1 business day overdue"; over a weekend, a deadline missed on Friday is
    /// "overdue since Fri 4 Dec, 3:00 pm" until Monday counts.
    func deadline(_ due: Date) -> String {
        let today = calendar.day(of: now), dueDay = calendar.day(of: due)
        if due > now {
            let left = businessDays(after: today, upTo: dueDay)
            if left > 0 { return "\(left) business day\(left == 1 ? "" : "s") left" }
            return dueDay == today ? "due today by \(clock(due))" : "due \(moment(due))"
        }
        let late = businessDays(after: dueDay, upTo: today)
        if late > 0 { return "\(late) business day\(late == 1 ? "" : "s") overdue" }
        return dueDay == today ? "overdue since \(clock(due))" : "overdue since \(moment(due))"
    }

    /// "Wed 9 Dec, 11:41 pm · 2 business days left": the deadline and how it stands.
    func due(_ date: Date) -> String {
        "\(moment(date)) · \(deadline(date))"
    }

    /// Business days `d` with `start < d <= end` (none when `end` is not after `start`). Counted day by
    /// day, at most ten years of them: a deadline further off than that is a data error, not a count.
    func businessDays(after start: CalendarDay, upTo end: CalendarDay) -> Int {
        let span = min(end.daysSinceEpoch - start.daysSinceEpoch, 3_660)
        guard span > 0 else { return 0 }
        return (1...span).count { calendar.isBusinessDay(start.adding(days: $0)) }
    }
}
