import PropertyBased
import Testing
import TrellisCore
@testable import TrellisMatching

/// Ids sorted by eight bytes at a time after their shared prefix: the same order as `String`'s `<`.
@Suite struct IDOrderKeysTests {
    static func reference(_ ids: [String]) -> [Int] {
        ids.indices.sorted { ids[$0] != ids[$1] ? ids[$0] < ids[$1] : $0 < $1 }
    }

    @Test func theOrderIsStringsOrderOnRandomIds() async {
        let alphabets: [[String]] = [
            ["a", "b", "0", "9", "-", "svc-", "\u{0}", "Z", "~"],   // ASCII, NUL and the ends of the range
            ["a", "é", "e\u{301}", "中", "-"],                        // not ASCII: texts compared throughout
        ]
        await propertyCheck(count: 500, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            var rng = SplitMix64(seed: UInt64(seed))
            let alphabet = alphabets[rng.int(below: 4) == 0 ? 1 : 0]
            let prefix = ["", "svc-", "svc-0000", "a"][rng.int(below: 4)]
            let ids = (0..<rng.int(below: 60)).map { _ in
                prefix + (0..<rng.int(below: 14)).map { _ in alphabet[rng.int(below: alphabet.count)] }.joined()
            }
            #expect(IDOrderKeys(ids).sortedPositions() == Self.reference(ids), "seed \(seed)")
        }
    }

    @Test func stableIDsOfAThousandServicesSortAsTheirTexts() {
        let ids = (0..<1_000).map { StableID.service(source: "src", key: "k\($0)") }
        #expect(IDOrderKeys(ids).sortedPositions() == Self.reference(ids))
    }
}
