import Foundation
import Synchronization
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

    /// Payloads are built from a few dozen shapes of object: the order of each set of keys is worked
    /// out by Foundation once and remembered (that comparison was most of writing a Bundle).
    private static let orders = Mutex<[[String]: [String]]>([:])

    static func sortedKeys(_ object: [String: Any]) -> [String] {
        guard object.count > 1 else { return Array(object.keys) }
        let plain = object.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        if let known = orders.withLock({ $0[plain] }) { return known }
        let ordered = plain.sorted(by: ordered)
        orders.withLock { if $0.count < 4_096 { $0[plain] = ordered } }
        return ordered
    }

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
                for key in sortedKeys(object) where written {
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
