import Foundation
import TrellisCore

/// The referral form's "consent expires on" date: optional, a calendar day (YYYY-MM-DD) after today.
/// The consent ends at the start of that day in the county's time zone (the business calendar's), so
/// the day the case worker typed is the day the pages show; on it, the expiry sweep handles it as a
/// revocation.
enum ConsentExpiryField {
    static let name = "consent_expires"

    /// Nil when left empty; refused by name when not a date or not after `now`'s day in `timeZone`.
    static func parse(_ text: String?, now: Date, timeZone: TimeZone) throws -> Date? {
        guard let text = text?.nonBlank else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              let start = calendar.date(from: DateComponents(year: year, month: month, day: day)),
              calendar.component(.day, from: start) == day, calendar.component(.month, from: start) == month else {
            throw APIError(.badRequest, code: "invalid", "Consent expires on: a date as 2027-06-30", field: name)
        }
        guard start > calendar.startOfDay(for: now) else {
            throw APIError(.badRequest, code: "invalid", "Consent expires on: the date must be after today", field: name)
        }
        return start
    }
}
