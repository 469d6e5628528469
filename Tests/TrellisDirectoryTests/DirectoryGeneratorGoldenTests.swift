import Crypto
import Testing
@testable import TrellisFixtures

/// The generator's output for a seed is a contract: benchmarks, load drills and the readers' tests
/// compare runs made with it. These digests were taken from the generator before it moved to its
/// own target and its prose to a resource file; a change to the code or to
/// `Resources/directory-corpus.json` that changes a byte fails here. The first two are what
/// `trellis directory generate --services 2000 --format airs|hsds --seed 1 | sha256sum` prints.
@Suite("DirectoryGenerator output is pinned")
struct DirectoryGeneratorGoldenTests {
    struct Pinned: Sendable, CustomTestStringConvertible {
        let format: DirectoryGenerator.Format
        let services: Int
        let seed: UInt64
        let sha256: String
        var testDescription: String { "\(format.rawValue), \(services) services, seed \(seed)" }
    }

    static let pinned: [Pinned] = [
        Pinned(format: .airs, services: 2000, seed: 1, sha256: "526cde9c7bd0447f768a046d33d51f4a67dbe18f327edbf906af88b33e3139bc"),
        Pinned(format: .hsds, services: 2000, seed: 1, sha256: "64252cbcf486310a4586b3e5dfe0a20aeca73b4805bea08b6b7e58e254572a70"),
        Pinned(format: .airs, services: 300, seed: 7, sha256: "798eef95c79b1b1eed71add58f177c1b7e1de1652651d0b3ebbe7f7594242a14"),
        Pinned(format: .hsds, services: 300, seed: 7, sha256: "e2294e05bfebfc294132c94b33d624a867243889e3be9c50c20009980261a878"),
    ]

    @Test("the same seed gives the pinned bytes", arguments: pinned)
    func digest(_ pinned: Pinned) {
        var hash = SHA256()
        DirectoryGenerator(services: pinned.services, seed: pinned.seed).generate(pinned.format) { chunk in
            hash.update(data: Array(chunk.utf8))
        }
        let hex = hash.finalize().map { byte in
            let digits = Array("0123456789abcdef")
            return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
        }.joined()
        #expect(hex == pinned.sha256)
    }

    @Test("the corpus resource is read from the module's bundle and holds every kind and section")
    func corpusLoads() throws {
        let corpus = try DirectoryCorpus.load()
        #expect(corpus.kinds.count == 16)
        for section in DirectoryCorpus.Section.allCases {
            #expect(!corpus.sentences(section).isEmpty, "section \(section.rawValue)")
        }
        #expect(DirectoryGenerator.kinds.map(\.term.code) == corpus.kinds.map(\.code))
    }
}
