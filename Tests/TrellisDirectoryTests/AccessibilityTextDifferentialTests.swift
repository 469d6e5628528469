import PropertyBased
import Testing
import TrellisCore
@testable import TrellisDirectory

/// ASCII text is read on bytes; any text can be read the general way. Both must state the same
/// features on the same text, so random text is assembled from the pieces the rules react to.
@Suite struct AccessibilityTextDifferentialTests {
    static let pieces: [String] = {
        var pieces = AccessibilityText.cues.flatMap(\.1) + AccessibilityText.wheelchairAbsent + AccessibilityText.negations
        pieces += ["but", " but ", " but but ", "no steps", "no", "not", "accessible", "Accessible", "isn't", "ASL", "lifts", "ramped",
                   ".", ";", ",", "\n", "\r\n", "\r", "!", "?", " ", "  ", "\t", "-", "'", "(", ")", "/", "3", "ada", "sign-language",
                   "elevator-free", "wheelchairs", "x", "step", "free", "large", "print", "loop"]
        return pieces
    }()

    @Test func bytesAndCharactersStateTheSameFeatures() async {
        await propertyCheck(count: 2_000, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            var rng = SplitMix64(seed: UInt64(seed))
            var text = ""
            for _ in 0..<(1 + rng.int(below: 14)) {
                text += Self.pieces[rng.int(below: Self.pieces.count)]
                if rng.int(below: 2) == 0 { text += " " }
            }
            let lowered = text.lowercased()
            let ascii = AccessibilityText.statedInASCII(lowered)
            let general = AccessibilityText.stated(lowered)
            #expect(ascii.offers == general.offers, "\(text.debugDescription)")
            #expect(ascii.lacks == general.lacks, "\(text.debugDescription)")
        }
    }

    /// A line break written CR LF ends a clause as LF does: "no" on the next line negates nothing before it.
    @Test(arguments: ["Ramp at the back\r\nNo braille", "Ramp at the back\nNo braille"])
    func windowsLineBreaksEndAClause(_ text: String) throws {
        let read = try #require(AccessibilityText.read([text]))
        #expect(read.offers == [.wheelchair])
        #expect(read.lacks == [.braille])
    }

    /// Text with anything beyond ASCII takes the general path and still reads.
    @Test func otherTextTakesTheGeneralPath() throws {
        let read = try #require(AccessibilityText.read(["Rampe d’accès — wheelchair ramp; pas de braille: no braille"]))
        #expect(read.offers == [.wheelchair])
        #expect(read.lacks == [.braille])
    }
}
