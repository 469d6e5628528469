import Foundation
import TrellisCore

/// The referral form's "consent expires on" date: optional, a calendar day (YYYY-MM-DD) after today.
/// The consent ends at the start of that day (UTC); on it, the expiry sweep handles it as a revocation.
enum ConsentExpiryField {
    static let name = "consent_expires"

    /// Nil when left empty; refused by name when not a date or not after `now`'s day.
    static func parse(_ text: String?, now: Date) throws -> Date? {
        guard let text = text?.nonBlank else { return nil }
        guard text.utf8.count == 10, let day = try? Date.ISO8601FormatStyle().year().month().day().dateSeparator(.dash).parse(text) else {
            throw APIError(.badRequest, code: "invalid", "Consent expires on: a date as 2027-06-30", field: name)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        guard day > calendar.startOfDay(for: now) else {
            throw APIError(.badRequest, code: "invalid", "Consent expires on: the date must be after today", field: name)
        }
        return day
    }
}
