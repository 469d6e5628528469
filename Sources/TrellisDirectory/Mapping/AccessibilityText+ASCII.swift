import TrellisCore

/// The same reading as `stated` for text that is all ASCII (nearly every directory's), on bytes: the
/// general path's substring splits and per-character letter tests were a sixth of an AIRS import.
/// A differential test holds the two to the same answers.
extension AccessibilityText {
    static func statedInASCII(_ text: String) -> (offers: Set<AccessibilityFeature>, lacks: Set<AccessibilityFeature>) {
        var offers = Set<AccessibilityFeature>()
        var lacks = Set<AccessibilityFeature>()
        var clause: [UInt8] = []
        func finishClause() {
            defer { clause.removeAll(keepingCapacity: true) }
            guard let first = clause.firstIndex(where: { !isWhitespace($0) }),
                  let last = clause.lastIndex(where: { !isWhitespace($0) }) else { return }
            let padded = [0x20] + clause[first...last] + [0x20]
            if ASCIICues.wheelchairAbsent.contains(where: { contains(padded, $0) }) {
                lacks.insert(.wheelchair)
                return
            }
            if padded.count == ASCIICues.accessible.count + 2 && padded[1...].starts(with: ASCIICues.accessible) { offers.insert(.wheelchair) }
            let negated = ASCIICues.negations.contains { contains(removing(ASCIICues.noSteps, from: padded), $0) }
            // Letters only, padded again, for whole-word cues (as `wordsOnly`).
            let words = [0x20] + padded.map { isLetter($0) ? $0 : 0x20 } + [0x20]
            for (feature, cues) in ASCIICues.features {
                let named = cues.contains { cue in cue.count <= 4 ? contains(words, [0x20] + cue + [0x20]) : contains(padded, cue) }
                guard named else { continue }
                if negated { lacks.insert(feature) } else { offers.insert(feature) }
            }
        }
        // Clauses end at " but " and at . ; , newline ! ? (as `clauses`: " but " is found left to right).
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == 0x20, i + 5 <= bytes.count, bytes[i + 1] == UInt8(ascii: "b"), bytes[i + 2] == UInt8(ascii: "u"),
               bytes[i + 3] == UInt8(ascii: "t"), bytes[i + 4] == 0x20 {
                finishClause()
                i += 5
                continue
            }
            switch byte {
            case UInt8(ascii: "."), UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: "\n"), UInt8(ascii: "!"), UInt8(ascii: "?"):
                finishClause()
            default:
                clause.append(byte)
            }
            i += 1
        }
        finishClause()
        return (offers, lacks)
    }

    /// The cue lists as bytes, made once.
    enum ASCIICues {
        static let features: [(AccessibilityFeature, [[UInt8]])] = AccessibilityText.cues.map { ($0.0, $0.1.map { Array($0.utf8) }) }
        static let wheelchairAbsent = AccessibilityText.wheelchairAbsent.map { Array($0.utf8) }
        static let negations = AccessibilityText.negations.map { Array($0.utf8) }
        static let noSteps = Array("no steps".utf8)
        static let accessible = Array("accessible".utf8)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<start + needle.count].elementsEqual(needle) { return true }
        }
        return false
    }

    /// Every occurrence of `needle`, found left to right, cut out (as `split(separator:).joined()`).
    static func removing(_ needle: [UInt8], from haystack: [UInt8]) -> [UInt8] {
        guard contains(haystack, needle) else { return haystack }
        var result: [UInt8] = []
        var i = 0
        while i < haystack.count {
            if i + needle.count <= haystack.count, haystack[i..<i + needle.count].elementsEqual(needle) {
                i += needle.count
            } else {
                result.append(haystack[i])
                i += 1
            }
        }
        return result
    }
}
