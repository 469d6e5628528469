import Foundation
import TrellisCore

/// The one byte form of an event that its hash covers: JSON with sorted keys, no insignificant
/// white space, times in UTC to the millisecond. The same event always gives the same bytes.
enum AuditCanonicalForm {
    static func bytes(of event: AuditEvent) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        // Encoding a value of plain fields cannot fail; a failure here is a programming error.
        return (try? encoder.encode(event)) ?? Data()
    }

    /// `2026-11-22T05:58:10.123Z`, rounded to the millisecond. Formatters truncate, and a time read
    /// back as x.372 is stored as x.37199…: the milliseconds are rounded as an integer and written
    /// here, so a time survives any round trip through text or a database unchanged.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let fraction = milliseconds - seconds * 1000
        let whole = Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(Date.ISO8601FormatStyle())  // …:SSZ
        let digits = String(fraction)
        return String(whole.dropLast()) + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }
}
