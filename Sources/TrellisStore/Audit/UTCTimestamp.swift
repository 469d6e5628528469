/// `YYYY-MM-DDTHH:MM:SS.mmmZ` to and from milliseconds since 1970 by calendar arithmetic (the
/// proleptic Gregorian days-from-civil algorithm), for the years 1970 to 9999; callers fall back to
/// Foundation's formatter outside them.
enum UTCTimestamp {
    private static let range: ClosedRange<Int64> = 0...253_402_300_799_999  // 1970-01-01 … 9999-12-31T23:59:59.999

    static func text(milliseconds: Int64) -> String? {
        guard range.contains(milliseconds) else { return nil }
        let days = milliseconds / 86_400_000
        var rest = milliseconds % 86_400_000
        let (year, month, day) = civil(fromDays: days)
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
                  year >= 1970, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
            else { return nil }
            let days = Self.days(fromCivil: year, month, day)
            // A day past the month's end (31 April) lands in the next month: refuse it.
            guard civil(fromDays: days) == (year, month, day) else { return nil }
            return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1_000 + fraction
        }
    }

    /// Year, month, day of the day `days` after 1970-01-01.
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days from 1970-01-01 to the given day.
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
