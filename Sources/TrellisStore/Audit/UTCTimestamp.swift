import TrellisCore

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` to and from milliseconds since 1970 by calendar arithmetic
/// (`CalendarDay`'s proleptic Gregorian days), for the years 1970 to 9999; callers fall back to
/// Foundation's formatter outside them.
enum UTCTimestamp {
    private static let range: ClosedRange<Int64> = 0...253_402_300_799_999  // 1970-01-01 … 9999-12-31T23:59:59.999

    static func text(milliseconds: Int64) -> String? {
        guard range.contains(milliseconds) else { return nil }
        let days = milliseconds / 86_400_000
        var rest = milliseconds % 86_400_000
        let date = CalendarDay(daysSinceEpoch: Int(days))
        let (year, month, day) = (Int64(date.year), Int64(date.month), Int64(date.day))
        let hour = rest / 3_600_000; rest %= 3_600_000
        let minute = rest / 60_000; rest %= 60_000
        let second = rest / 1_000, fraction = rest % 1_000
        return String(unsafeUninitializedCapacity: 24) { buffer in
            func put(_ value: Int64, _ width: Int, at index: Int) {
                var value = value
                for position in stride(from: index + width - 1, through: index, by: -1) {
                    buffer[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(year, 4, at: 0); buffer[4] = UInt8(ascii: "-"); put(month, 2, at: 5); buffer[7] = UInt8(ascii: "-")
            put(day, 2, at: 8); buffer[10] = UInt8(ascii: "T"); put(hour, 2, at: 11); buffer[13] = UInt8(ascii: ":")
            put(minute, 2, at: 14); buffer[16] = UInt8(ascii: ":"); put(second, 2, at: 17); buffer[19] = UInt8(ascii: ".")
            put(fraction, 3, at: 20); buffer[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    /// The milliseconds `text` names when it is exactly what `text(milliseconds:)` writes for them.
    static func milliseconds(exactly text: String) -> Int64? {
        var text = text
        return text.withUTF8 { bytes -> Int64? in
            guard bytes.count == 24, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
                  bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "."), bytes[23] == UInt8(ascii: "Z")
            else { return nil }
            func number(_ index: Int, _ width: Int) -> Int64? {
                var value: Int64 = 0
                for position in index..<(index + width) {
                    let digit = bytes[position] &- UInt8(ascii: "0")
                    guard digit < 10 else { return nil }
                    value = value * 10 + Int64(digit)
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                  let minute = number(14, 2), let second = number(17, 2), let fraction = number(20, 3),
                  year >= 1970, hour < 24, minute < 60, second < 60,
                  // Refuses a day past the month's end (31 April, 29 February 2026).
                  let date = CalendarDay(year: Int(year), month: Int(month), day: Int(day))
            else { return nil }
            let days = Int64(date.daysSinceEpoch)
            return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1_000 + fraction
        }
    }
}
