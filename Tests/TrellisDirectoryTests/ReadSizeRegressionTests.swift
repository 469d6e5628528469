import Foundation
import Testing
import TrellisCore
@testable import TrellisDirectory

/// Inputs the HSDS fuzzer found (Fixtures/fuzz): the services read, the lines they are reported at and
/// the rejected lines must not depend on where a read happens to end. Before the fix, the layout
/// (NDJSON or one object) was decided on a buffer that ended right after the first line, and leading
/// blank lines were counted again each time the decision was put off.
@Suite struct ReadSizeRegressionTests {
    static let inputs = ["ndjson-layout-depends-on-read-size.ndjson", "leading-blank-lines-counted-again.json",
                         "crash-b36df8bdd485dfe4583435ba77fe0e09c04cc860", "crash-7be9103915e1f8ef6e9e278fc01dd33df9664f8b"]

    static func read(_ path: String, chunk: Int) -> (services: [String], rejected: [Int], fatal: Bool) {
        var sink = CollectingSink()
        var report = FileReport(path: path)
        HSDSReader(taxonomy: Fixture.taxonomy, path: path, chunkSize: chunk).read(into: &sink, report: &report)
        return (sink.services.map { "\($0.id)@\($0.provenance.line)" }, report.rejected.map(\.line), report.fatal != nil)
    }

    @Test(arguments: inputs)
    func everyReadSizeReadsTheSame(_ name: String) {
        let path = Fixture.path("fuzz/" + name)
        let whole = Self.read(path, chunk: JSONRecordStream.defaultChunkSize)
        for chunk in 1...40 {
            let split = Self.read(path, chunk: chunk)
            #expect(split.services == whole.services, "\(name) in \(chunk)-byte reads")
            #expect(split.rejected == whole.rejected, "\(name) in \(chunk)-byte reads")
            #expect(split.fatal == whole.fatal, "\(name) in \(chunk)-byte reads")
        }
    }

    @Test func theBrokenNDJSONLineIsSkippedAndTheNextOneRead() {
        let read = Self.read(Fixture.path("fuzz/ndjson-layout-depends-on-read-size.ndjson"), chunk: 1)
        #expect(read.services.count == 2 && read.services.last?.hasSuffix("@3") == true, "\(read.services)")
        #expect(read.rejected == [2])
    }

    @Test func aRecordAfterBlankLinesIsReportedOnItsOwnLine() {
        for chunk in [1, 11, JSONRecordStream.defaultChunkSize] {
            #expect(Self.read(Fixture.path("fuzz/leading-blank-lines-counted-again.json"), chunk: chunk).rejected == [3], "\(chunk)-byte reads")
        }
    }
}
