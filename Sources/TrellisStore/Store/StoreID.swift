import Foundation

/// Random, unguessable ids with a prefix that says what they name (`ref-…`, `per-…`).
enum StoreID {
    static func make(_ prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<12).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return prefix + "-" + bytes.map { String(format: "%02x", $0) }.joined()
    }
}
