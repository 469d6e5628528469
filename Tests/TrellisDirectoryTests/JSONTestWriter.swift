import Foundation

/// A small JSON writer for the tests, independent of the reader under test: it writes the same
/// values in the ways real exports do (compact or indented, raw UTF-8 or ASCII-only with `\u`
/// escapes as Python's `json.dump` writes by default, `\/` as PHP writes, CRLF line ends, a BOM).
struct JSONTestWriter {
    indirect enum Value {
        case string(String)
        case number(Int)
        case bool(Bool)
        case array([Value])
        case object([(String, Value)])
    }

    var indented = false
    var asciiOnly = false
    var escapeSlash = false

    func write(_ value: Value, level: Int = 0) -> String {
        switch value {
        case .string(let s): return quote(s)
        case .number(let n): return String(n)
        case .bool(let b): return b ? "true" : "false"
        case .array(let items):
            guard !items.isEmpty else { return "[]" }
            return "[" + items.map { newline(level + 1) + write($0, level: level + 1) }.joined(separator: ",") + newline(level) + "]"
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            let separator = indented ? ": " : ":"
            return "{" + members.map { newline(level + 1) + quote($0.0) + separator + write($0.1, level: level + 1) }.joined(separator: ",")
                + newline(level) + "}"
        }
    }

    private func newline(_ level: Int) -> String {
        indented ? "\n" + String(repeating: "  ", count: level) : ""
    }

    func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "/" where escapeSlash: out += "\\/"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7E) {
                    for unit in String(scalar).utf16 { out += "\\u" + Self.hex4(unit) }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func hex4(_ unit: UInt16) -> String {
        let digits = String(unit, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
