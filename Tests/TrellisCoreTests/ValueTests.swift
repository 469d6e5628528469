import Foundation
import PropertyBased
import Testing
@testable import TrellisCore

@Suite struct LanguageCodeTests {
    @Test(arguments: [
        ("Spanish", "es"), ("spanish ", "es"), ("English", "en"), ("Vietnamese", "vi"), ("Somali", "so"),
        ("American Sign Language", "ase"), ("ASL", "ase"), ("Mandarin", "zh"), ("Chinese - Cantonese", "yue"),
        ("Spanish (Mexican)", "es"), ("es", "es"), ("es-MX", "es"), ("Karen", "kar"), ("Haitian Creole", "ht"),
    ])
    func namesMapToBCP47(name: String, code: String) {
        #expect(LanguageCode.fromName(name) == code)
    }

    @Test(arguments: ["Klingon", "", "  ", "Lorem"])
    func unknownNamesMapToNothing(name: String) {
        #expect(LanguageCode.fromName(name) == nil)
    }

    @Test func aFieldMayNameSeveralLanguages() {
        #expect(LanguageCode.splitNames("Spanish, Vietnamese and Somali; Arabic") == ["Spanish", "Vietnamese", "Somali", "Arabic"])
    }
}

@Suite struct CoordinateTests {
    @Test func outOfRangePointsAreRefused() {
        #expect(Coordinate(latitude: 100, longitude: 101) == nil)
        #expect(Coordinate(latitude: 41.26, longitude: -195) == nil)
        #expect(Coordinate(latitude: .nan, longitude: 0) == nil)
        #expect(Coordinate(latitude: 41.26, longitude: -95.94) != nil)
    }

    @Test func omahaToLincolnIsAboutEightyKilometres() throws {
        let omaha = try #require(Coordinate(latitude: 41.2565, longitude: -95.9345))
        let lincoln = try #require(Coordinate(latitude: 40.8136, longitude: -96.7026))
        #expect(abs(omaha.distanceKilometres(to: lincoln) - 80.4) < 1.0)
    }

    @Test func distanceIsSymmetricAndZeroToItself() async {
        await propertyCheck(input: Gen.double(in: -89...89), Gen.double(in: -179...179), Gen.double(in: -89...89), Gen.double(in: -179...179)) { a, b, c, d in
            guard let p = Coordinate(latitude: a, longitude: b), let q = Coordinate(latitude: c, longitude: d) else { return }
            #expect(abs(p.distanceKilometres(to: q) - q.distanceKilometres(to: p)) < 1e-6)
            #expect(p.distanceKilometres(to: p) < 1e-9)
            #expect(p.distanceKilometres(to: q) <= 20_016)
        }
    }
}

@Suite struct StableIDTests {
    @Test func sameSourceAndKeyGiveTheSameID() {
        #expect(StableID.service(source: "Riverbend", key: "RB-SV-001") == StableID.service(source: "Riverbend", key: "RB-SV-001"))
        #expect(StableID.service(source: "Riverbend", key: "RB-SV-001").hasPrefix("svc-"))
        #expect(StableID.service(source: "Riverbend", key: "RB-SV-001").count == 20)
    }

    @Test func partsAreSeparated() {
        #expect(StableID.hash("ab", "c") != StableID.hash("a", "bc"))
        #expect(StableID.service(source: "a", key: "b") != StableID.service(source: "b", key: "a"))
    }

    /// The id is part of the contract between runs and stores: it must never change.
    @Test func knownValueIsPinned() {
        #expect(StableID.hash("") == 0xcbf2_9ce4_8422_2325)
        #expect(StableID.hash("a") == 0xaf63_dc4c_8601_ec8c)
    }
}
