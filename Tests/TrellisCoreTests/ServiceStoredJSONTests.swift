import Foundation
import PropertyBased
import Testing
@testable import TrellisCore

/// `Service(storedJSON:)` against `JSONDecoder` on the same bytes: the same service for every document
/// the store's encoder writes, and never an answer where `JSONDecoder` gives another or an error.
@Suite struct ServiceStoredJSONTests {
    /// The store's encoder (`DirectoryDocuments.encode`).
    static func encoded(_ service: Service) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(service)
    }

    static func fast(_ data: Data) -> Service? {
        data.withUnsafeBytes { Service(storedJSON: $0.bindMemory(to: UInt8.self)) }
    }

    static func foundation(_ data: Data) -> Service? {
        try? JSONDecoder().decode(Service.self, from: data)
    }

    /// Every ASCII character, other scripts, emoji, combining marks, line separators, a lone slash.
    static let hardTexts = [
        "", "plain", "a/b // c", "quote \" and backslash \\ ", "tab\there, newline\nthere, return\r, \u{8}\u{C}",
        String((0..<128).map { Character(Unicode.Scalar(UInt8($0))) }),
        "Café — niños · 中文 · العربية", "👩🏽‍⚕️ peer-run 🏠", "e\u{301} combining", "sep\u{2028}para\u{2029}end", "\u{7F}\u{80}\u{FEFF}",
    ]

    static let hardDoubles: [Double] = [0, -0.0, 1, -1, 0.1, 1e-5, 5e-324, 1.7976931348623157e308, 45.000000000000014, -122.4194,
                                        123456789.125, 1e21, 2.5e-8]

    static func randomService(_ rng: inout SplitMix64) -> Service {
        func text() -> String { hardTexts[rng.int(below: hardTexts.count)] }
        func maybe<T>(_ value: @autoclosure () -> T) -> T? { rng.int(below: 2) == 0 ? nil : value() }
        func number() -> Double { rng.int(below: 2) == 0 ? hardDoubles[rng.int(below: hardDoubles.count)] : Double(rng.next() % 2_000_000) / 997 - 1000 }
        func int() -> Int { [0, -1, 7, 120, Int.max, Int.min, Int(rng.next() % 100_000)][rng.int(below: 7)] }
        func some<T>(_ make: () -> T) -> [T] { (0..<rng.int(below: 4)).map { _ in make() } }
        func day() -> CalendarDay { CalendarDay(year: 1 + rng.int(below: 9999), month: 1 + rng.int(below: 12), day: 1 + rng.int(below: 28))! }
        var attributes = ProgramAttributes()
        attributes.ips = rng.int(below: 2) == 0
        attributes.ipsFidelity = maybe(IPSFidelity.allCases[rng.int(below: IPSFidelity.allCases.count)])
        attributes.housingFirst = rng.int(below: 2) == 0
        attributes.sobrietyRequired = rng.int(below: 2) == 0
        attributes.faithBased = rng.int(below: 2) == 0
        attributes.faithTradition = maybe(text())
        attributes.peerRun = rng.int(below: 2) == 0
        attributes.traumaInformed = rng.int(below: 2) == 0
        attributes.telehealth = rng.int(below: 2) == 0
        let areas: [ServiceArea] = some {
            switch rng.int(below: 7) {
            case 0: .postalCode(text())
            case 1: .city(text(), state: maybe(text()))
            case 2: .county(text(), state: maybe(text()))
            case 3: .state(text())
            case 4: .country(text())
            case 5: .anywhere
            default: .radius(center: Coordinate(latitude: Double(rng.int(below: 180)) - 90 + 0.125, longitude: number().truncatingRemainder(dividingBy: 180))!,
                             kilometres: number())
            }
        }
        let locations: [Location] = some {
            Location(name: maybe(text()),
                     address: maybe(Address(line1: maybe(text()), line2: maybe(text()), city: maybe(text()), county: maybe(text()),
                                            state: maybe(text()), postalCode: maybe(text()), country: maybe(text()))),
                     // Stored coordinates are not range-checked on reading (real exports carry latitude 100).
                     coordinate: maybe(Self.unchecked(latitude: number(), longitude: number())))
        }
        return Service(
            id: text(), name: text(), description: maybe(text()), organizationID: text(), organizationName: text(),
            status: ServiceStatus.allCases[rng.int(below: ServiceStatus.allCases.count)], availableForReferral: rng.int(below: 2) == 0,
            taxonomyCodes: some(text), categories: some { NeedCategory(NeedDomain.allCases[rng.int(below: NeedDomain.allCases.count)], maybe(text())) },
            attributes: attributes, languages: some(text), locations: locations, areasServed: areas,
            eligibility: Eligibility(minimumAge: maybe(int()), maximumAge: maybe(int()), genders: some { Gender.allCases[rng.int(below: 3)] },
                                     residency: maybe(text()), monthlyIncomeLimit: maybe(number()), paymentAccepted: some(text), requirements: some(text)),
            hours: maybe(text()), fees: maybe(text()),
            capacity: maybe(Capacity(available: maybe(int()), maximum: maybe(int()), waitlist: maybe(int()), updated: maybe(day()))),
            lastVerified: maybe(day()), phones: some(text), url: maybe(text()), email: maybe(text()), applicationProcess: maybe(text()),
            provenance: Provenance(format: rng.int(below: 2) == 0 ? .airs : .hsds, source: text(), file: text(), recordKey: text(), line: int()),
            accessibility: maybe(ServiceAccessibility(offers: some { AccessibilityFeature.allCases[rng.int(below: 6)] },
                                                      lacks: some { AccessibilityFeature.allCases[rng.int(below: 6)] }, statement: maybe(text()))))
    }

    static func unchecked(latitude: Double, longitude: Double) -> Coordinate {
        var coordinate = Coordinate(latitude: 0, longitude: 0)!
        coordinate.latitude = latitude
        coordinate.longitude = longitude
        return coordinate
    }

    @Test func everyDocumentTheStoresEncoderWritesReadsAsJSONDecoderReadsIt() async throws {
        await propertyCheck(count: 1_000, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            var rng = SplitMix64(seed: UInt64(seed))
            let service = Self.randomService(&rng)
            let data = try #require(try? Self.encoded(service))
            let fast = Self.fast(data)
            #expect(fast != nil, "seed \(seed): the reader gave up on a document the store wrote")
            #expect(fast == Self.foundation(data), "seed \(seed)")
            #expect(fast == service, "seed \(seed)")
        }
    }

    /// Documents changed at random (a byte dropped, replaced or doubled, a key renamed, a value
    /// nulled): where the reader answers, `JSONDecoder` gives the same service.
    @Test func whereTheReaderAnswersAChangedDocumentJSONDecoderAgrees() async throws {
        let replacements = Array(" \t\n{}[]\":,\\/0123456789.-+eEtfnul_abcdxyz\u{7F}".utf8) + [0x00, 0x1F, 0xC3, 0xA9, 0xFF]
        await propertyCheck(count: 3_000, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            var rng = SplitMix64(seed: UInt64(seed))
            var bytes = [UInt8](try #require(try? Self.encoded(Self.randomService(&rng))))
            for _ in 0..<(1 + rng.int(below: 3)) {
                let at = rng.int(below: bytes.count)
                switch rng.int(below: 5) {
                case 0: bytes.remove(at: at)
                case 1: bytes[at] = replacements[rng.int(below: replacements.count)]
                case 2: bytes.insert(bytes[at], at: at)
                case 3: bytes.insert(replacements[rng.int(below: replacements.count)], at: at)
                default:  // a value nulled: `:` followed by a value becomes `:null`
                    let quote = UInt8(ascii: "\""), stops = Array(",}]{[".utf8)
                    if let colon = bytes[at...].firstIndex(of: UInt8(ascii: ":")), colon + 1 < bytes.count {
                        var end = colon + 1
                        if bytes[end] == quote {
                            end += 1
                            while end < bytes.count && (bytes[end] != quote || bytes[end - 1] == UInt8(ascii: "\\")) { end += 1 }
                            end = min(end + 1, bytes.count)
                        } else {
                            while end < bytes.count && !stops.contains(bytes[end]) { end += 1 }
                        }
                        bytes.replaceSubrange((colon + 1)..<end, with: Array("null".utf8))
                    }
                }
            }
            let data = Data(bytes)
            if let fast = Self.fast(data) {
                #expect(fast == Self.foundation(data), "seed \(seed): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            }
        }
    }

    @Test(arguments: [
        // An unknown key, a repeated key, a whole number with a fraction, a radius out of range: JSONDecoder decides.
        #"{"x":1}"#, #"{"id":"a","id":"b"}"#, #"{"line":1.0}"#,
    ])
    func documentsNotAsWrittenAreLeftToJSONDecoder(text: String) {
        #expect(Self.fast(Data(text.utf8)) == nil)
    }

    @Test func optionalValuesWrittenAsNullReadAsAbsent() throws {
        let plain = Service(id: "s1", name: "Shelter", organizationID: "o1", organizationName: "Org",
                            provenance: Provenance(format: .airs, source: "x", file: "f.xml", recordKey: "k", line: 3))
        var text = String(decoding: try Self.encoded(plain), as: UTF8.self)
        text.removeLast()
        text += #","description":null,"capacity":null,"url":null}"#
        let data = Data(text.utf8)
        #expect(Self.fast(data) == plain)
        #expect(Self.foundation(data) == plain)
    }

    @Test(arguments: [
        (#""\u00e9\ud83c\udfe0\/\b\f\n\r\t\"\\""#, "é🏠/\u{8}\u{C}\n\r\t\"\\"), (#""plain""#, "plain"), (#""""#, ""),
    ])
    func stringsAreUnescaped(json: String, text: String) throws {
        var bytes = Array(json.utf8)
        let value = try bytes.withUnsafeMutableBufferPointer { buffer in
            var reader = JSONTextReader(UnsafeBufferPointer(buffer))
            return try reader.string()
        }
        #expect(value == text)
    }

    @Test(arguments: [#""\ud800""#, #""\udc00x""#, "\"a\u{1}b\"", #""\x""#, #""open"#, #""\u12""#])
    func badStringsAreUnexpected(json: String) {
        var bytes = Array(json.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            var reader = JSONTextReader(UnsafeBufferPointer(buffer))
            #expect(throws: JSONTextReader.Unexpected.self) { try reader.string() }
        }
    }

    @Test(arguments: [("0", true), ("-0", true), ("12.5e-3", true), ("1E+2", true), ("01", false), ("1.", false), (".5", false),
                      ("-", false), ("1e", false), ("+1", false), ("inf", false), ("0x10", false)])
    func numbersFollowJSONsGrammar(text: String, valid: Bool) {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBufferPointer { JSONTextReader.isJSONNumber($0) } == valid)
    }

    /// Found by the damaged-document test (seed 1533132587, `"longitude":5e-3324`): a number below
    /// Double's range read as 0 where JSONDecoder refuses the document. Numbers at and past the ends of
    /// Double's range, in a document otherwise as the store writes it: the reader answers as JSONDecoder
    /// does or leaves the document to it, and reads every number the store writes.
    @Test(arguments: ["5e-3324", "2e-324", "3e-324", "4.9e-324", "5e-324", "2.2e-310", "1e-400", "0.000e-400", "0e-5000", "-0.0",
                      "2.2250738585072014e-308", "1.7976931348623157e308", "1.8e308", "1e400", "821.7221664994986"])
    func numbersAtTheEndsOfDoublesRangeReadAsJSONDecoderReadsThem(longitude: String) throws {
        let plain = Service(id: "s1", name: "Shelter", organizationID: "o1", organizationName: "Org",
                            locations: [Location(coordinate: Coordinate(latitude: 1, longitude: 2))],
                            provenance: Provenance(format: .airs, source: "x", file: "f.xml", recordKey: "k", line: 3))
        let document = String(decoding: try Self.encoded(plain), as: UTF8.self)
        let data = Data(document.replacingOccurrences(of: #""longitude":2"#, with: #""longitude":\#(longitude)"#).utf8)
        let foundation = Self.foundation(data)
        if let fast = Self.fast(data) {
            #expect(fast == foundation)
            #expect(fast.locations.first?.coordinate?.longitude.sign == foundation?.locations.first?.coordinate?.longitude.sign)
        }
        if let written = Double(longitude), written.isFinite {
            #expect(Self.fast(Self.encodedWithLongitude(written, in: plain)) != nil, "the store writes \(written) and the reader reads it")
        }
    }

    static func encodedWithLongitude(_ longitude: Double, in service: Service) -> Data {
        var service = service
        service.locations[0].coordinate?.longitude = longitude
        return (try? encoded(service)) ?? Data()
    }

    /// The direct writer against `JSONEncoder` on the same services: the same bytes, with the
    /// provenance's place as written and blanked (the content a fingerprint hashes).
    @Test func theWriterWritesWhatTheStoresEncoderWrites() async throws {
        await propertyCheck(count: 1_000, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            var rng = SplitMix64(seed: UInt64(seed))
            let service = Self.randomService(&rng)
            var content = service
            content.provenance.file = ""
            content.provenance.line = 0
            let document = try #require(try? Self.encoded(service))
            let blanked = try #require(try? Self.encoded(content))
            #expect(service.storedJSON() == [UInt8](document), "seed \(seed)")
            #expect(service.storedJSON(placeBlanked: true) == [UInt8](blanked), "seed \(seed)")
        }
    }
}

