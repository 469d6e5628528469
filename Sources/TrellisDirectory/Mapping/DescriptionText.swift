import Foundation

/// Cleans free text from exports: iCarol double-escapes HTML (`&amp;lt;b&amp;gt;`), which arrives
/// after XML decoding as `&lt;b&gt;`; others embed plain tags. People should read words, not markup.
/// Works on UTF-8 bytes in one pass: descriptions run to kilobytes and every service has one.
enum DescriptionText {
    /// The cleaned text, and whether it held escaped or literal markup.
    static func clean(_ text: String) -> (text: String, hadMarkup: Bool) {
        var text = text
        guard text.withUTF8(mayHoldMarkup) else { return (text, false) }
        var bytes = Array(text.utf8)
        // Twice: double escaping leaves `&lt;` after the first pass.
        for _ in 0..<2 {
            let (unescaped, changed) = unescapeEntities(bytes)
            bytes = unescaped
            if !changed { break }
        }
        bytes = stripTags(bytes)
        let cleaned = String(decoding: bytes, as: UTF8.self)
        return (cleaned, cleaned != text)
    }

    /// True when the bytes hold something that looks like an entity (`&name;`, `&#…;`) or a tag
    /// (`<b>`, `</p>`): a bare "&" or "<" in prose is left alone, cheaply.
    static func mayHoldMarkup(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let n = bytes.count
        // memchr jumps to the candidates; prose rarely has any.
        var from = 0
        while from < n, let hit = memchr(base + from, Int32(UInt8(ascii: "&")), n - from) {
            let i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            var j = i + 1
            while j < n, j - i < 12, bytes[j] != UInt8(ascii: ";"), bytes[j] != 0x20 { j += 1 }
            if j < n, bytes[j] == UInt8(ascii: ";"), j > i + 1 { return true }
            from = i + 1
        }
        from = 0
        while from < n, let hit = memchr(base + from, Int32(UInt8(ascii: "<")), n - from) {
            let i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if i + 1 < n {
                let next = bytes[i + 1]
                if (next | 0x20) >= 0x61 && (next | 0x20) <= 0x7A || next == UInt8(ascii: "/") { return true }
            }
            from = i + 1
        }
        return false
    }

    private static let entities: [[UInt8]: [UInt8]] = {
        let table: [String: String] = [
            "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "rsquo": "\u{2019}",
            "lsquo": "\u{2018}", "ldquo": "\u{201C}", "rdquo": "\u{201D}", "ndash": "\u{2013}", "mdash": "\u{2014}",
        ]
        return Dictionary(uniqueKeysWithValues: table.map { (Array($0.key.utf8), Array($0.value.utf8)) })
    }()

    /// Replaces `&name;`, `&#NN;` and `&#xHH;`; anything else is kept as written.
    static func unescapeEntities(_ input: [UInt8]) -> (bytes: [UInt8], changed: Bool) {
        guard input.contains(UInt8(ascii: "&")) else { return (input, false) }
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var changed = false
        var i = 0
        while i < input.count {
            let b = input[i]
            if b == UInt8(ascii: "&"), let semi = input[(i + 1)..<min(input.count, i + 12)].firstIndex(of: UInt8(ascii: ";")) {
                let name = Array(input[(i + 1)..<semi])
                if let replacement = entities[name] ?? numericEntity(name) {
                    out.append(contentsOf: replacement)
                    i = semi + 1
                    changed = true
                    continue
                }
            }
            out.append(b)
            i += 1
        }
        return (out, changed)
    }

    private static func numericEntity(_ name: [UInt8]) -> [UInt8]? {
        guard name.first == UInt8(ascii: "#"), name.count > 1 else { return nil }
        let hex = name[1] == UInt8(ascii: "x") || name[1] == UInt8(ascii: "X")
        let digits = String(decoding: name.dropFirst(hex ? 2 : 1), as: UTF8.self)
        guard let value = UInt32(digits, radix: hex ? 16 : 10), let scalar = Unicode.Scalar(value) else { return nil }
        return Array(String(Character(scalar)).utf8)
    }

    private static let blockTags: [[UInt8]] = ["br", "p", "li", "div", "ul", "ol", "tr"].map { Array($0.utf8) }

    /// Drops `<tag ...>` markup; block-level tags become a space so words do not run together.
    /// Runs of spaces collapse to one.
    static func stripTags(_ input: [UInt8]) -> [UInt8] {
        guard input.contains(UInt8(ascii: "<")) else { return input }
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var i = 0
        while i < input.count {
            let b = input[i]
            if b == UInt8(ascii: "<"), let close = input[(i + 1)...].firstIndex(of: UInt8(ascii: ">")),
               close - i < 200, i + 1 < input.count, isTagStart(input[i + 1]) {
                var nameStart = i + 1
                if input[nameStart] == UInt8(ascii: "/") { nameStart += 1 }
                var nameEnd = nameStart
                while nameEnd < close, isLetterOrDigit(input[nameEnd]) { nameEnd += 1 }
                let name = input[nameStart..<nameEnd].map { $0 | 0x20 }
                if blockTags.contains(where: { $0.elementsEqual(name) }) { appendSpace(&out) }
                i = close + 1
                continue
            }
            if b == UInt8(ascii: " ") { appendSpace(&out) } else { out.append(b) }
            i += 1
        }
        while out.last == UInt8(ascii: " ") { out.removeLast() }
        return out
    }

    private static func appendSpace(_ out: inout [UInt8]) {
        if let last = out.last, last != UInt8(ascii: " ") { out.append(UInt8(ascii: " ")) }
    }

    private static func isTagStart(_ b: UInt8) -> Bool { b == UInt8(ascii: "/") || isLetterOrDigit(b) && !(b >= 0x30 && b <= 0x39) }
    private static func isLetterOrDigit(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A || (b >= 0x30 && b <= 0x39) }
}
