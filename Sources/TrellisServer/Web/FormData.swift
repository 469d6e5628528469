import Foundation

/// An `application/x-www-form-urlencoded` body: every value of each name, in order (a group of
/// checkboxes sends one name several times).
struct FormData: Sendable {
    private(set) var values: [String: [String]] = [:]

    init(_ text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            values[name, default: []].append(parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    init(values: [String: [String]]) { self.values = values }

    /// The first value, trimmed; nil when absent or blank.
    subscript(_ name: String) -> String? {
        values[name]?.first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    func all(_ name: String) -> [String] { values[name] ?? [] }

    func isChecked(_ name: String) -> Bool { self[name] != nil }

    static func decode(_ text: Substring) -> String {
        // Most names and values ("per_page", "20") have nothing to decode; Foundation's replace and
        // percent-decoding cost a twentieth of a referral-list request.
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) else { return String(text) }
        return String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
    }
}
