import Foundation
import PropertyBased
import Testing
import TrellisCore
@testable import TrellisMatching

/// The ranking's JSON is written directly (the server's hottest answer); it must be byte for byte
/// what `JSONEncoder` writes with sorted keys and unescaped slashes, which `trellis match --json`
/// and the API promised before. Checked on real rankings and on texts and numbers chosen to be hard.
@Suite struct MatchOutcomeJSONTests {
    static func foundation<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// Every ASCII character (controls, quote, backslash, slash), text in other scripts, emoji,
    /// combining marks and the line separators JavaScript treats specially.
    static let hardTexts = [
        "", "plain", "a/b // c", "quote \" and backslash \\ ", "tab\there, newline\nthere, return\r",
        String((0..<128).map { Character(Unicode.Scalar(UInt8($0))) }),
        "Café — niños · 中文 · العربية", "👩🏽‍⚕️ peer-run 🏠", "e\u{301} combining", "sep\u{2028}para\u{2029}end", "\u{7F}\u{80}\u{FEFF}",
    ]

    @Test(arguments: hardTexts)
    func textsAreEscapedAsJSONEncoderEscapesThem(text: String) throws {
        var json = JSONTextWriter()
        json.array { json in json.value(text); json.value(Optional<String>.none) }
        #expect(json.bytes == (try Self.foundation([text, nil] as [String?])))
    }

    @Test(arguments: [0.0, -0.0, 1, -1, 0.53, 0.1 + 0.2, 1e-7, 1.5e-5, 123_456_789.125, 1e16, 1e21, 4.35e300, -2.5e-300,
                      Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude, 11.18, 0.3])
    func numbersAreWrittenAsJSONEncoderWritesThem(number: Double) throws {
        var json = JSONTextWriter()
        json.array { json in json.value(number); json.value(Int(number.magnitude < 1e15 ? number.rounded() : 7)) }
        #expect(json.bytes == (try Self.foundation([number, Double(Int(number.magnitude < 1e15 ? number.rounded() : 7))])))
    }

    @Test func anyFiniteNumberIsWrittenAsJSONEncoderWritesIt() async {
        await propertyCheck(count: 300, input: Gen.uint64(in: 0...UInt64.max)) { bits in
            let number = Double(bitPattern: bits)
            guard number.isFinite else { return }
            var json = JSONTextWriter()
            json.array { json in json.value(number) }
            #expect(json.bytes == (try? Self.foundation([number])), "bits \(bits)")
        }
    }

    @Test func realRankingsAreTheBytesJSONEncoderWrites() async {
        await propertyCheck(count: 60, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            let random = RandomCase(seed: seed)
            guard var outcome = try? Build.match(random.services, random.profile, limit: 10) else { return }
            #expect(outcome.jsonBytes == (try? Self.foundation(outcome)), "seed \(seed)")
            // The same ranking with hard texts in every string a directory or the rules fill in.
            var rng = SplitMix64(seed: seed)
            for n in outcome.matches.indices {
                outcome.matches[n].need.detail = rng.int(below: 3) == 0 ? nil : Self.hardTexts[rng.int(below: Self.hardTexts.count)]
                for r in outcome.matches[n].results.indices {
                    outcome.matches[n].results[r].serviceName = Self.hardTexts[rng.int(below: Self.hardTexts.count)]
                    outcome.matches[n].results[r].organization = Self.hardTexts[rng.int(below: Self.hardTexts.count)]
                    outcome.matches[n].results[r].distanceKm = rng.int(below: 3) == 0 ? nil : Double(rng.int(below: 100_000)) / 7
                    outcome.matches[n].results[r].warnings.append(MatchWarning(code: "x/y", text: Self.hardTexts[rng.int(below: Self.hardTexts.count)]))
                }
            }
            #expect(outcome.jsonBytes == (try? Self.foundation(outcome)), "seed \(seed), hard texts")
        }
    }

    /// Fixed seeds, so the comparison above is known to see rankings with results in them.
    @Test func rankingsWithResultsAreTheBytesJSONEncoderWrites() throws {
        var ranked = 0
        for seed in UInt64(0)..<20 {
            let random = RandomCase(seed: seed)
            let outcome = try Build.match(random.services, random.profile, limit: 10)
            ranked += outcome.matches.reduce(0) { $0 + $1.results.count }
            #expect(outcome.jsonBytes == (try Self.foundation(outcome)), "seed \(seed)")
        }
        #expect(ranked >= 50)
    }

    @Test func anEmptyRankingIsTheBytesJSONEncoderWrites() throws {
        let outcome = MatchOutcome(matches: [], excluded: 0)
        #expect(outcome.jsonBytes == (try Self.foundation(outcome)))
        #expect(String(decoding: outcome.jsonBytes, as: UTF8.self) == #"{"excluded":0,"matches":[]}"#)
    }
}
