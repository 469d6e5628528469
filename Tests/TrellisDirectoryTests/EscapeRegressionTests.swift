import Foundation
import Testing
import TrellisCore
@testable import TrellisDirectory

/// A string escape other than `\\` and `\"` (`\u00a3`, `\n`, `\t`, `\/`) used to end the record
/// stream's string early: the byte after the backslash was skipped together with the rest of the
/// string, so the closing quote was taken as escaped and the file "ended inside a string".
/// NDJSON read fine (it splits on lines), one object or an array did not. Every read size is tried,
/// as in `ReadSizeRegressionTests`.
@Suite struct EscapeRegressionTests {
    static let inputs = ["escape-u-in-one-object.json", "escapes-in-an-array.json", "escapes-in-a-page.json", "bom-crlf.ndjson"]

    static func read(_ name: String, chunk: Int = JSONRecordStream.defaultChunkSize) -> (report: FileReport, sink: CollectingSink) {
        let path = Fixture.path("fuzz/" + name)
        var sink = CollectingSink()
        var report = FileReport(path: path)
        HSDSReader(taxonomy: Fixture.taxonomy, path: path, chunkSize: chunk).read(into: &sink, report: &report)
        return (report, sink)
    }

    @Test(arguments: inputs)
    func everyReadSizeReadsTheSame(_ name: String) throws {
        let size = try #require(FileManager.default.attributesOfItem(atPath: Fixture.path("fuzz/" + name))[.size] as? Int)
        let whole = Self.read(name)
        #expect(whole.report.fatal == nil, "\(String(describing: whole.report.fatal))")
        for chunk in 1...(size + 1) {
            let split = Self.read(name, chunk: chunk)
            #expect(split.sink.services == whole.sink.services, "\(name) in \(chunk)-byte reads")
            #expect(split.report.rejected == whole.report.rejected, "\(name) in \(chunk)-byte reads")
            #expect(split.report.fatal == nil, "\(name) in \(chunk)-byte reads: \(String(describing: split.report.fatal))")
        }
    }

    /// The smallest case: valid JSON, so its one record is read. With an id and a name but no
    /// status it is an organization (as HSDS's organization has no status), its description decoded.
    @Test func aUnicodeEscapeInOneObjectIsReadAsJSON() {
        let (report, sink) = Self.read("escape-u-in-one-object.json")
        #expect(report.fatal == nil && report.rejected.isEmpty, "\(String(describing: report.fatal)) \(report.rejected)")
        #expect(sink.services.isEmpty)
        #expect(sink.organizations.map(\.id) == ["x1"])
        #expect(sink.organizations.first?.description == "rate £50 per hour")
    }

    @Test func escapesInAnArrayComeOutAsTheirCharacters() throws {
        let (report, sink) = Self.read("escapes-in-an-array.json")
        #expect(report.fatal == nil && report.rejected.isEmpty)
        #expect(sink.services.map(\.name) == ["N\tTab", "Second"])
        #expect(sink.services.first?.description == DescriptionText.clean("line one\nline two / slash").text)
    }

    @Test func escapesInAPageComeOutAsTheirCharacters() throws {
        let (report, sink) = Self.read("escapes-in-a-page.json")
        #expect(report.fatal == nil && report.rejected.isEmpty)
        let service = try #require(sink.services.first)
        #expect(sink.services.count == 1)
        #expect(service.name == "Café \"Uno\"")
        #expect(service.fees == "£50 \u{1F600}")
    }

    /// A byte-order mark before NDJSON used to stay on the first line, which then did not parse.
    @Test func aByteOrderMarkAndCRLFLineEndsInNDJSON() {
        let (report, sink) = Self.read("bom-crlf.ndjson")
        #expect(report.fatal == nil && report.rejected.isEmpty, "\(report.rejected)")
        #expect(sink.services.map(\.name) == ["Byte Order é", "Second"])
        #expect(sink.services.map(\.provenance.line) == [1, 2])
    }
}
