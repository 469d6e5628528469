import Foundation
import TrellisCore

/// The one byte form of an event that its hash covers: JSON with sorted keys, no insignificant
/// white space, times in UTC to the millisecond. The same event always gives the same bytes.
///
/// It is written directly rather than through `JSONEncoder` (and times by arithmetic rather than a
/// date formatter): verifying the trail computes it for every record, and the encoder was most of
/// that time. The bytes are the ones `JSONEncoder` gives with `.sortedKeys` and
/// `.withoutEscapingSlashes`, which the tests check against it.
enum AuditCanonicalForm {
    static func bytes(of event: AuditEvent) -> Data {
        var json = JSONTextWriter(capacity: 256)
        write(event, into: &json)
        return Data(json.bytes)
    }

    /// Writes the canonical form into `json`, which the caller has emptied. `storedAt` is the
    /// event's time as stored, already checked to be its canonical text (`time(exactly:)`).
    static func write(_ event: AuditEvent, storedAt: String? = nil, into json: inout JSONTextWriter) {
        // Keys in the order sorting gives; absent optionals are left out, as `JSONEncoder` leaves them.
        json.object { json in
            json.key("action"); json.value(event.action.rawValue)
            json.key("actor"); json.value(event.actor)
            json.key("at"); json.value(storedAt ?? timestamp(event.at))
            if let detail = event.detail { json.key("detail"); json.value(detail) }
            json.key("entity"); json.value(event.entity)
            json.key("entity_id"); json.value(event.entityID)
            json.key("outcome"); json.value(event.outcome.rawValue)
            if let purpose = event.purpose { json.key("purpose"); json.value(purpose) }
            json.key("sequence"); json.value(Int(event.sequence))
            if let sourceAddress = event.sourceAddress { json.key("source_address"); json.value(sourceAddress) }
        }
    }

    /// `2026-11-22T05:58:10.123Z`, rounded to the millisecond. Formatters truncate, and a time read
    /// back as x.372 is stored as x.37199…: the milliseconds are rounded as an integer and written
    /// here, so a time survives any round trip through text or a database unchanged.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        if let text = UTCTimestamp.text(milliseconds: milliseconds) { return text }
        // Before 1970 or after 9999: rare enough for the formatter.
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let fraction = milliseconds - seconds * 1000
        let whole = Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(Date.ISO8601FormatStyle())  // …:SSZ
        let digits = String(fraction)
        return String(whole.dropLast()) + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// The time a stored `at` names, when it is exactly the canonical text of that time; nil otherwise.
    static func time(exactly text: String) -> Date? {
        if let milliseconds = UTCTimestamp.milliseconds(exactly: text) {
            return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        }
        guard let time = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text), timestamp(time) == text else { return nil }
        return time
    }
}
