import PropertyBased
import Testing
import TrellisCore
@testable import TrellisMatching

/// Trauma-informed care read from a description's words: the byte reading of ASCII text against the
/// general one (the description lower-cased, then searched).
@Suite struct TraumaInformedTextTests {
    @Test(arguments: [
        ("Our TRAUMA-INFORMED team", true), ("Seeking Safety groups weekly", true), ("offers TF-CBT", true),
        ("trauma  informed", false), ("traumainformed", false), ("trauma-focused care", true), ("Trauma Focused", true),
        ("seeking safe housing", false), ("tf cbt", false), ("", false), ("trauma informe", false),
        ("Trauma-informed, café staff", true), ("see\u{212A}ing safety (a Kelvin sign)", true),
    ])
    func cuesAreFoundInAnyCase(text: String, mentioned: Bool) {
        #expect(TraumaInformedText.mentions(text) == mentioned)
        #expect(TraumaInformedText.mentionsInLowercased(text) == mentioned)
    }

    @Test func theByteReadingAgreesWithTheGeneralOneOnRandomASCIIText() async {
        let pieces = TraumaInformedText.cues + ["trauma", "informed", "seeking", "safety", "tf", "cbt", "-", " ", "focused", "t", "s",
                                                "Shelter", "TRAUMA", "Seeking", "x", ".", "\n", "\r\n", "@", "[", "`", "{"]
        await propertyCheck(count: 2_000, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            var rng = SplitMix64(seed: UInt64(seed))
            var text = ""
            for _ in 0..<rng.int(below: 12) {
                var piece = pieces[rng.int(below: pieces.count)]
                if rng.int(below: 3) == 0 { piece = piece.uppercased() }
                if rng.int(below: 4) == 0, !piece.isEmpty {  // one letter's case flipped
                    var chars = Array(piece)
                    let i = rng.int(below: chars.count)
                    chars[i] = Character(chars[i].isUppercase ? chars[i].lowercased() : chars[i].uppercased())
                    piece = String(chars)
                }
                text += piece
            }
            var bytes = text
            let byBytes = bytes.withUTF8 { TraumaInformedText.mentionsInASCII($0) }
            #expect(byBytes == TraumaInformedText.mentionsInLowercased(text), "\(text.debugDescription)")
        }
    }
}
