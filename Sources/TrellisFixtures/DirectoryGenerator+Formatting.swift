import TrellisCore

extension DirectoryGenerator {
    /// Millionths of a degree as a decimal with six places ("41.256384", "-95.934500").
    static func degrees(_ micro: Int) -> String {
        let negative = micro < 0
        let magnitude = negative ? -micro : micro
        let fraction = String(magnitude % 1_000_000)
        let zeros = String(repeating: "0", count: 6 - fraction.utf8.count)
        return (negative ? "-" : "") + String(magnitude / 1_000_000) + "." + zeros + fraction
    }

    /// "2,500", "30,000".
    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        guard n >= 1000 else { return digits }
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return out
    }

    static func twoDigits(_ n: Int) -> String { n < 10 ? "0" + String(n) : String(n) }

    /// A day as YYYY-MM-DD.
    struct Day {
        var year: Int
        var month: Int
        var day: Int
        var iso: String { String(year) + "-" + DirectoryGenerator.twoDigits(month) + "-" + DirectoryGenerator.twoDigits(day) }

        /// A day in the given years; the last year only up to October (the data's "now").
        static func random(years: ClosedRange<Int>, using rng: inout SplitMix64) -> Day {
            let year = rng.int(in: years)
            let month = rng.int(in: 1...(year == 2026 ? 10 : 12))
            return Day(year: year, month: month, day: rng.int(in: 1...28))
        }
    }
}

extension DirectoryGenerator {
    /// "(402) 555-0147": the 555-0100…0199 numbers are reserved for fiction.
    static func phoneNumber(areaCode: String, using rng: inout SplitMix64) -> String {
        let line = "01" + twoDigits(rng.int(below: 100))
        switch rng.int(below: 10) {
        case 0..<5: return "(" + areaCode + ") 555-" + line
        case 5..<9: return areaCode + "-555-" + line
        default: return areaCode + ".555." + line
        }
    }

    /// Lower-case letters and digits of a name: "Open Door Mission" → "opendoormission".
    static func slug(_ name: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.utf8.count)
        for b in name.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): bytes.append(b)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): bytes.append(b + 32)
            default: break
            }
        }
        return String(decoding: bytes.prefix(40), as: UTF8.self)
    }

    /// "Winter Overflow Shelter" → "winter overflow shelter"; keeps acronyms ("IPS supported employment").
    static func lowerCased(_ text: String) -> String {
        text.split(separator: " ").map { word in
            word.count > 1 && word.allSatisfy({ $0.isUppercase }) ? String(word) : word.lowercased()
        }.joined(separator: " ")
    }
}
