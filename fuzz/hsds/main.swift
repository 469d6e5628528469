// libFuzzer harness: the HSDS JSON reader, through DirectoryReader.read(path:into:) as
// `trellis directory import` uses it, then again with the file cut into small reads: the project
// holds that however a file is cut into reads, the same records come out
// (HSDSReaderTests.chunkBoundariesDoNotChangeTheRecords), so a difference is a finding too; and
// whenever the bytes are valid JSON, against a plain JSONSerialization parse (FoundationOracle.swift).
import Foundation
import TrellisCore
@testable import TrellisDirectory

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // Inputs the reader would hand to the AIRS reader belong to the airs target.
    guard let first = FuzzSupport.firstMeaningfulByte(data, size),
          first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { return -1 }
    let path = FuzzSupport.writeScratch(data, size)

    // DirectoryReader.read(path:into:) sniffs the format, then reads with 4 MiB chunks: for an input
    // smaller than that, a chunk one byte larger than the input is the same read, without the cost
    // of two 4 MiB buffers for every input.
    guard case .success(.hsds) = DirectoryReader.sniff(path: path) else {
        FuzzSupport.violated("a JSON input was not sniffed as HSDS")
    }
    var sink = CollectingSink()
    var report = FileReport(path: path)
    HSDSReader(taxonomy: FuzzSupport.taxonomy, path: path, chunkSize: min(size + 1, JSONRecordStream.defaultChunkSize))
        .read(into: &sink, report: &report)
    _ = report.fatal.map { String(describing: $0) }
    for issue in report.rejected + report.warnings { _ = "\(issue.line):\(issue.column): \(issue.message)" }

    // The same file read 1 to 31 bytes at a time (chosen by the input's length, so a crash reproduces).
    let chunk = 1 + size % 31
    var splitSink = CollectingSink()
    var splitReport = FileReport(path: path)
    HSDSReader(taxonomy: FuzzSupport.taxonomy, path: path, chunkSize: chunk).read(into: &splitSink, report: &splitReport)
    func layouts() -> String {
        func layout(_ size: Int) -> String {
            let outcome = try? JSONRecordStream(path: path, chunkSize: size).forEachRecord { _ in }
            return "\(outcome?.layout.map { $0.rawValue } ?? "none")\(outcome?.fault.map { " (fault at \($0.line):\($0.column): \($0.message))" } ?? "")"
        }
        return "\n  layout read whole: \(layout(JSONRecordStream.defaultChunkSize)); in \(chunk)-byte chunks: \(layout(chunk))"
    }
    let whole = sink.services.map { "\($0.id)@\($0.provenance.line)" }
    let split = splitSink.services.map { "\($0.id)@\($0.provenance.line)" }
    if whole != split {
        FuzzSupport.violated("read in \(chunk)-byte chunks the services differ: \(whole) vs \(split)\(layouts())")
    }
    if report.rejected.map(\.line) != splitReport.rejected.map(\.line) {
        FuzzSupport.violated("read in \(chunk)-byte chunks the rejected lines differ: \(report.rejected) vs \(splitReport.rejected)\(layouts())")
    }
    if (report.fatal == nil) != (splitReport.fatal == nil) {
        FuzzSupport.violated("read in \(chunk)-byte chunks the file is \(splitReport.fatal == nil ? "read" : "refused"): \(String(describing: report.fatal)) vs \(String(describing: splitReport.fatal))\(layouts())")
    }

    // The differential check: when the bytes are one valid JSON array or object, what the streaming
    // reader read is what Foundation's JSONSerialization reads from the same bytes, record for record
    // (lines aside: a plain parse has none).
    if let oracle = FoundationOracle.read(Data(bytes: data, count: size), path: path) {
        let streamed = sink.services.map(\.withoutLine), plain = oracle.services.map(\.withoutLine)
        if streamed != plain {
            FuzzSupport.violated("the streaming reader and JSONSerialization read different services:\n  streamed: \(streamed.map(\.fuzzSummary))\n  plain:    \(plain.map(\.fuzzSummary))")
        }
        if sink.organizations != oracle.organizations {
            FuzzSupport.violated("the streaming reader and JSONSerialization read different organizations:\n  streamed: \(sink.organizations)\n  plain:    \(oracle.organizations)")
        }
    }

    // Importing (the keyed sink `directory import` uses) must hold what was read.
    var imported = DirectoryImport(keepsServices: true)
    for organization in sink.organizations { imported.add(organization) }
    for service in sink.services { imported.add(service) }
    _ = imported.domainCounts
    return 0
}
