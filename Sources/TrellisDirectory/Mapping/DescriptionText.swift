/// Cleans free text from exports: iCarol double-escapes HTML (`&amp;lt;b&amp;gt;`), which arrives
/// after XML decoding as `&lt;b&gt;`; others embed plain tags. People should read words, not markup.
enum DescriptionText {
    /// The cleaned text, and whether it held escaped or literal markup.
    static func clean(_ text: String) -> (text: String, hadMarkup: Bool) {
        guard text.utf8.contains(UInt8(ascii: "&")) || text.utf8.contains(UInt8(ascii: "<")) else {
            return (text, false)
        }
        let unescaped = unescapeEntities(text)
        let stripped = stripTags(unescaped)
        return (stripped, stripped != text)
    }

    private static let entities: [Substring: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "#39": "'", "rsquo": "\u{2019}",
        "lsquo": "\u{2018}", "ldquo": "\u{201C}", "rdquo": "\u{201D}", "ndash": "\u{2013}", "mdash": "\u{2014}",
    ]

    static func unescapeEntities(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let afterAmp = rest.index(after: amp)
            if let semi = rest[afterAmp...].prefix(10).firstIndex(of: ";") {
                let name = rest[afterAmp..<semi]
                if let replacement = entities[name] ?? numericEntity(name) {
                    out += replacement
                    rest = rest[rest.index(after: semi)...]
                    continue
                }
            }
            out += "&"
            rest = rest[afterAmp...]
        }
        out += rest
        // Double escaping: `&amp;lt;` became `&lt;` above; one more pass finishes it.
        return out.contains("&") && out != text ? unescapeEntities(out) : out
    }

    private static func numericEntity(_ name: Substring) -> String? {
        guard name.first == "#" else { return nil }
        let digits = name.dropFirst()
        let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
        return value.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
    }

    /// Drops `<tag ...>` markup; block-level tags become a space so words do not run together.
    static func stripTags(_ text: String) -> String {
        guard text.contains("<") else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var inTag = false
        var tag = ""
        for ch in text {
            if inTag {
                if ch == ">" {
                    inTag = false
                    let name = tag.lowercased().trimmingCharacters(in: "/ ")
                    if ["br", "p", "li", "div", "ul", "ol", "tr"].contains(where: { name.hasPrefix($0) }) { out += " " }
                } else {
                    tag.append(ch)
                }
            } else if ch == "<" {
                inTag = true
                tag = ""
            } else {
                out.append(ch)
            }
        }
        return out.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
