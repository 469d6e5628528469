import TrellisCore

/// Case-insensitive search in a text for a lower-case needle, without making a lower-case copy of an
/// ASCII text (almost every directory text); other texts are lower-cased as Swift does.
enum SearchText {
    static func contains(_ text: String, _ needle: String) -> Bool {
        guard !needle.isEmpty else { return true }
        var text = text, needle = needle
        let answer = text.withUTF8 { haystack -> Bool? in
            guard !haystack.contains(where: { $0 >= 0x80 }) else { return nil }
            return needle.withUTF8 { needle in
                guard haystack.count >= needle.count else { return false }
                for start in 0...(haystack.count - needle.count) {
                    var matched = true
                    for offset in 0..<needle.count where lower(haystack[start + offset]) != needle[offset] {
                        matched = false
                        break
                    }
                    if matched { return true }
                }
                return false
            }
        }
        return answer ?? text.lowercased().containsBytes(needle)
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }
}
