import Foundation
import PropertyBased
import Testing
import TrellisCore
@testable import TrellisDirectory

@Suite struct HSDSReaderTests {
    @Test(arguments: [
        ("hsds-service.json", 1), ("hsds-array.json", 3), ("hsds-page.json", 3), ("hsds-organizations.json", 3),
    ])
    func everyLayoutReadsItsServices(name: String, services: Int) {
        let (report, sink) = Fixture.read(name)
        #expect(report.fatal == nil && report.rejected.isEmpty)
        #expect(report.format == .hsds)
        #expect(sink.services.count == services)
        #expect(sink.services.allSatisfy { !$0.categories.isEmpty })
    }

    @Test func aSingleServiceCarriesEveryField() throws {
        let (_, sink) = Fixture.read("hsds-service.json")
        let service = try #require(sink.services.first)
        #expect(service.name == "Willow Street Telehealth Counseling")
        #expect(service.id == StableID.service(source: "hsds", key: "5e1f0a10-0000-4000-8000-000000000101"))
        #expect(service.organizationName == "Willow Street Counseling Center")
        #expect(service.categories.contains(NeedCategory(.clinical, "counseling")))
        #expect(service.attributes.telehealth)
        #expect(service.areasServed.contains(.county("Douglas", state: nil)))
        #expect(!service.locations.isEmpty && service.locations[0].coordinate != nil)
        #expect(service.capacity != nil)
        #expect(service.provenance.line == 1 && service.provenance.format == .hsds)
    }

    @Test func organizationsNestingServicesLendThemTheirName() {
        let (report, sink) = Fixture.read("hsds-organizations.json")
        #expect(report.organizations == 2)
        for service in sink.services {
            #expect(sink.organizations.contains { $0.id == service.organizationID && $0.name == service.organizationName })
        }
    }

    @Test func ndjsonSkipsTheBrokenLineOnly() {
        let (report, sink) = Fixture.read("hsds.ndjson")
        #expect(report.fatal == nil)
        #expect(sink.services.count == 3)
        #expect(report.rejected.count == 1)
        #expect(report.rejected.first?.line == 3)
        #expect(report.rejected.first?.message.contains("not valid JSON") == true)
    }

    /// APIs answer compact JSON with no newline at all: the page is still a page, its contents the records.
    @Test func aCompactHSDAPageOnOneLineIsReadAsAPage() throws {
        // The fixture page, as compact JSON with no newline at all.
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Fixture.path("hsds-page.json"))))
        let page = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        #expect(!page.contains("\n"))
        let expected = Fixture.read("hsds-page.json").sink.services.map(\.name).sorted()
        #expect(expected.count == 3)
        for text in [page, page + "\n"] {
            let (report, sink) = Fixture.readPath(try Fixture.temporary(text, suffix: ".json"))
            #expect(report.fatal == nil)
            #expect(sink.services.map(\.name).sorted() == expected)
        }
    }

    @Test func aBrokenArrayElementIsRejectedWithItsPosition() {
        let (report, sink) = Fixture.read("hsds-broken.json")
        #expect(report.fatal == nil)
        #expect(sink.services.count == 2)
        #expect(report.rejected.map(\.line) == [26])
    }

    @Test func realDataQuirksAreToleratedWithWarnings() throws {
        let (report, sink) = Fixture.read("hsds-quirks.json")
        #expect(report.fatal == nil && report.rejected.isEmpty)
        #expect(sink.services.count == 3)
        let messages = report.warningMessages.joined(separator: "\n")
        #expect(messages.contains("minimum_age is a string"))
        #expect(messages.contains("out of range"))
        #expect(sink.services.contains { $0.eligibility.minimumAge == 18 })
        #expect(sink.services.contains { $0.categories.contains(NeedCategory(.employment, "supported_employment")) },
                "an Open Eligibility term given by name maps")
        let dropped = try #require(report.warnings.first { $0.message.contains("out of range") })
        let service = try #require(sink.services.first { $0.provenance.line == dropped.line })
        #expect(service.locations.allSatisfy { $0.coordinate == nil }, "the bad point is dropped, the service kept")
    }

    @Test func servicesMissingRequiredKeysAreRejectedByName() {
        let (report, sink) = Fixture.read("hsds-rejects.json")
        #expect(sink.services.count == 2)
        #expect(report.rejected.map(\.field) == ["id", "name", "status"])
        #expect(report.rejected.map(\.line) == [20, 37, 72])
    }

    /// However the file is cut into reads, the same records come out.
    @Test(arguments: ["hsds-array.json", "hsds-page.json", "hsds.ndjson", "hsds-organizations.json", "hsds-broken.json", "hsds-service.json"])
    func chunkBoundariesDoNotChangeTheRecords(name: String) async {
        let reference = readHSDS(name, chunkSize: JSONRecordStream.defaultChunkSize)
        await propertyCheck(count: 40, input: Gen.int(in: 1...257)) { chunk in
            let split = readHSDS(name, chunkSize: chunk)
            #expect(split.services == reference.services)
            #expect(split.rejectedLines == reference.rejectedLines)
        }
    }

    private func readHSDS(_ name: String, chunkSize: Int) -> (services: [String], rejectedLines: [Int]) {
        var sink = CollectingSink()
        var report = FileReport(path: Fixture.path(name))
        HSDSReader(taxonomy: Fixture.taxonomy, path: Fixture.path(name), chunkSize: chunkSize).read(into: &sink, report: &report)
        return (sink.services.map { "\($0.id)@\($0.provenance.line)" }, report.rejected.map(\.line))
    }
}

@Suite struct JSONParserTests {
    private func parse(_ text: String) throws(JSONParser.Failure) -> JSONValue {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer throws(JSONParser.Failure) in try JSONParser.parse(buffer) }
    }

    @Test(arguments: [
        (#"{"a": 1, "b": [true, false, null], "c": "x\"y\\z\u00e9\ud83d\ude00"}"#,
         JSONValue.object([("a", .number(1)), ("b", .array([.bool(true), .bool(false), .null])), ("c", .string("x\"y\\zé😀"))])),
        ("[]", .array([])), ("{}", .object([])), ("-0.5e-3", .number(-0.0005)), (#""""#, .string("")),
        (" [1 , 2] ", .array([.number(1), .number(2)])),
        (#""\/\b\f\n\r\t\u00a3\u0000""#, .string("/\u{08}\u{0C}\n\r\t£\u{00}")),
        // A lone surrogate is no character: U+FFFD stands for it, and the escape after it is kept.
        (#""\ud800\u0041""#, .string("\u{FFFD}A")),
        (#"{"k": 1, "k": 2}"#, .object([("k", .number(1)), ("k", .number(2))])),
    ])
    func validJSONParses(text: String, expected: JSONValue) throws {
        let value = try parse(text)
        #expect(value == expected, "\(text)")
    }

    @Test func duplicateKeysReadAsTheLastOne() throws {
        #expect(try parse(#"{"k": 1, "k": 2}"#)["k"] == .number(2))
    }

    @Test(arguments: [
        (#"{"a" 1}"#, "expected ':'"), (#"{"a": 1,}"#, "expected a quoted key"), ("[1 2]", "expected ',' or ']'"),
        ("01", "leading zeros"), ("\"tab\there\"", "control character"), ("[", "unexpected end"), ("nul", "invalid literal"),
        (#""\q""#, "invalid escape"), ("{} x", "unexpected text after"),
    ])
    func invalidJSONFailsWithAReason(text: String, reason: String) {
        #expect { try parse(text) } throws: { error in
            (error as? JSONParser.Failure)?.message.contains(reason) == true
        }
    }

    @Test func stringsRoundTripThroughFoundationsEncoder() async throws {
        // Latin-1 covers the control characters JSON must escape; the table above covers surrogate pairs.
        await propertyCheck(count: 200, input: Gen.latin1.string(of: 0...40)) { text in
            let encoded = String(decoding: try JSONEncoder().encode([text] as [String]), as: UTF8.self)
            let value = try parse(encoded)
            #expect(value.arrayValue.first?.stringValue == text)
        }
    }

    @Test func positionsAreLinesAndColumns() {
        let bytes = Array("{\n  \"a\": 1,\n  \"b\" 2\n}".utf8)
        bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONParser.Failure) {
                _ = try JSONParser.parse(buffer)
                Issue.record("should fail")
            } catch {
                let at = JSONParser.position(of: error.offset, in: buffer, startLine: 1, startColumn: 1)
                #expect(at.line == 3 && at.column == 7)
            }
        }
    }
}

/// Structural equality, for the tests: objects compare their members in order.
extension JSONValue: Equatable {
    static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.string(let x), .string(let y)): x.unicodeScalars.elementsEqual(y.unicodeScalars)
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }
}
