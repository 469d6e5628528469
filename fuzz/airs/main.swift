// libFuzzer harness: the AIRS XML reader, through the same entry point `trellis directory import`
// uses (DirectoryReader.read(path:into:) into a DirectoryImport keeping services).
// Built and run by scripts/fuzz; a crash, a sanitizer report or a broken invariant is a finding.
// Differential check: whenever libxml2 parses the same bytes whole (a DOM, xmlReadMemory), the
// streaming reader must have read exactly the agencies and services of that tree.
import Foundation
import TrellisCore
@testable import TrellisDirectory

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // Inputs the reader would hand to the HSDS reader belong to the hsds target: keep them out of
    // this corpus (-1 tells libFuzzer not to add the input).
    if let first = FuzzSupport.firstMeaningfulByte(data, size), first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
        return -1
    }
    let path = FuzzSupport.writeScratch(data, size)
    var sink = DirectoryImport(keepsServices: true)
    let report = DirectoryReader(taxonomy: FuzzSupport.taxonomy).read(path: path, into: &sink)

    // What a caller relies on: a report that read records is an AIRS report, and counts match the sink.
    if report.fatal == nil, report.format != .airs, report.format != nil {
        FuzzSupport.violated("an XML input was read as \(String(describing: report.format))")
    }
    if report.services < sink.serviceCount {
        FuzzSupport.violated("the report counts \(report.services) services, the sink holds \(sink.serviceCount)")
    }
    // The streaming read against a DOM read of the same bytes, through the same mapping. A file the
    // reader refused whole (a DTD) is not compared; one it could not finish, libxml2's DOM read refuses too.
    if report.fatal == nil,
       let tree = AIRSDocumentReference.read(UnsafeBufferPointer(start: data, count: size), path: path, taxonomy: FuzzSupport.taxonomy) {
        var streamed = CollectingSink()
        _ = DirectoryReader(taxonomy: FuzzSupport.taxonomy).read(path: path, into: &streamed)
        if streamed.services != tree.services {
            FuzzSupport.violated("the streaming reader and a DOM read differ in services:\n  streamed: \(streamed.services.map(\.fuzzSummary))\n  DOM:      \(tree.services.map(\.fuzzSummary))")
        }
        if streamed.organizations != tree.organizations {
            FuzzSupport.violated("the streaming reader and a DOM read differ in organizations:\n  streamed: \(streamed.organizations)\n  DOM:      \(tree.organizations)")
        }
    }

    // Everything reported must be printable as the CLI prints it.
    _ = report.fatal.map { String(describing: $0) }
    for issue in report.rejected + report.warnings { _ = "\(issue.line):\(issue.column): \(issue.message)" }
    _ = sink.domainCounts
    _ = sink.sortedServices.count
    return 0
}
