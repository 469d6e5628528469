import Foundation
import TrellisCore

/// A payload tree (`[String: Any]` of texts, whole numbers, flags, arrays and objects) as the JSON
/// text `JSONSerialization` writes with `.sortedKeys` and `.withoutEscapingSlashes`, written directly:
/// serialising the FHIR Bundle was 38 % of a delivery worker's time. Keys are ordered by Foundation's
/// own comparison (the one `.sortedKeys` uses); a value of any other kind sends the whole tree to
/// `JSONSerialization`, so the bytes never depend on which path wrote them (differential tests).
enum PayloadJSON {
    static func data(_ object: [String: Any]) throws -> Data {
        var json = JSONTextWriter(capacity: 4_096)
        if write(object, into: &json) { return Data(json.bytes) }
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// The order `JSONSerialization` sorts keys in on Linux: Foundation's comparison, numeric and
    /// case-insensitive, ties broken by the system (root) locale's order; without a locale the
    /// ties ("Id", "id") come out the other way.
    static func ordered(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: [.numeric, .caseInsensitive, .forcedOrdering], range: a.startIndex..<a.endIndex, locale: systemLocale) == .orderedAscending
    }

    private static let systemLocale = Locale(identifier: "")

    /// False when the tree holds something this writer does not take.
    private static func write(_ value: Any, into json: inout JSONTextWriter) -> Bool {
        switch value {
        case let text as String: json.value(text)
        case let flag as Bool: json.value(flag)
        case let number as Int: json.value(number)
        case let list as [Any]:
            var written = true
            json.array { json in
                for item in list where written { written = write(item, into: &json) }
            }
            return written
        case let object as [String: Any]:
            var written = true
            json.object { json in
                for key in object.keys.sorted(by: ordered) where written {
                    json.key(text: key)
                    written = write(object[key]!, into: &json)
                }
            }
            return written
        default:
            return false
        }
        return true
    }
}
