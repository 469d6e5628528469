import Foundation
import PropertyBased
import Testing
import TrellisCore
import TrellisTestSupport
@testable import TrellisDelivery

/// Payloads are written directly instead of through `JSONSerialization`; partners verify signatures
/// over the bytes and some compare documents, so the bytes must be exactly what it wrote: checked on
/// random trees (keys that Foundation's order treats specially: case, digits, non-ASCII) and on every
/// real payload the fixtures make.
@Suite struct PayloadJSONTests {
    static func foundation(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    static let keys = ["id", "Id", "ID", "iD", "resourceType", "resources", "resource", "reference", "item2", "item10", "item1", "a", "B",
                       "_status", "status", "value_x", "valueString", "código", "Émile", "zeta", "z9", "z10", "", "a b", "a/b", "ключ", "日本"]
    static let texts = ["", "plain", "a/b", "quote \" backslash \\", "tab\t newline\n return\r", "\u{01}\u{1F}\u{7F}", "Café 中文 👩🏽‍⚕️",
                        "sep\u{2028}para\u{2029}", "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e", "2026-12-07T10:00:00.000Z"]

    static func tree(_ random: inout SplitMix64, depth: Int) -> [String: Any] {
        var object: [String: Any] = [:]
        for _ in 0..<random.int(below: 7) {
            object[keys[random.int(below: keys.count)]] = value(&random, depth: depth)
        }
        return object
    }

    static func value(_ random: inout SplitMix64, depth: Int) -> Any {
        switch random.int(below: depth > 3 ? 4 : 6) {
        case 0: return texts[random.int(below: texts.count)]
        case 1: return random.int(below: 3) == 0 ? Int.min + random.int(below: 10) : random.int(below: 2_000_000) - 1_000_000
        case 2: return random.int(below: 2) == 0
        case 3: return texts[random.int(below: texts.count)] + String(random.int(below: 100))
        case 4: return (0..<random.int(below: 4)).map { _ in value(&random, depth: depth + 1) }
        default: return tree(&random, depth: depth + 1)
        }
    }

    @Test func randomTreesAreTheBytesJSONSerializationWrites() async {
        await propertyCheck(count: 400, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            var random = SplitMix64(seed: seed)
            let object = Self.tree(&random, depth: 0)
            #expect((try? PayloadJSON.data(object)) == (try? Self.foundation(object)), "seed \(seed)")
        }
    }

    @Test func keysAreInFoundationsOrder() throws {
        let object = Dictionary(uniqueKeysWithValues: Self.keys.map { ($0, 1 as Any) })
        #expect(try PayloadJSON.data(object) == Self.foundation(object))
    }

    /// Something else in a tree (a fraction, a date) goes to `JSONSerialization` whole, so its output
    /// is still Foundation's.
    @Test func otherValuesFallBackToJSONSerialization() throws {
        let object: [String: Any] = ["share": 0.25, "list": [1, 2.5, "x"] as [Any], "id": "a"]
        #expect(try PayloadJSON.data(object) == Self.foundation(object))
    }

    static let categorySets: [Set<Consent.Category>] = [[], [.contact], [.needs], Set(Consent.Category.allCases),
                                                        Set(Consent.Category.allCases).subtracting([.substanceUse])]

    /// Every real payload reads back into the same tree, which Foundation writes to the same bytes.
    @Test(arguments: categorySets)
    func realPayloadsAreTheBytesJSONSerializationWrites(categories: Set<Consent.Category>) throws {
        for note in [nil, "Prefers morning calls; PTSD, sees Dr. Okafor", "quote \" backslash \\ tab\t 中文 \u{01}"] as [String?] {
            let disclosure = try #require(DeliveryFixtures.disclosure(categories, note: note))
            for payload in [try FHIRReferralBundle.render(disclosure), try ReferralDocument.render(disclosure)] {
                let tree = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
                #expect(payload == (try Self.foundation(tree)))
            }
        }
    }
}
