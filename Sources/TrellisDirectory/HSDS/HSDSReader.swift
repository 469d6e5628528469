import TrellisCore

/// Reads Open Referral HSDS 3.0 JSON (and 3.1 capacities): one object, an array, an HSDA page or
/// NDJSON; services nesting their organization, or organizations nesting their services.
struct HSDSReader {
    static let source = "hsds"

    let taxonomy: TaxonomyMap
    let path: String
    var chunkSize = JSONRecordStream.defaultChunkSize

    func read(into sink: inout some DirectorySink, report: inout FileReport) {
        report.format = .hsds
        report.source = Self.source
        var mapper = HSDSMapper(taxonomy: taxonomy, path: path)
        var records = 0
        let outcome: (layout: JSONRecordStream.Layout?, fault: JSONRecordStream.StructureFault?)
        do throws(DirectoryFileError) {
            outcome = try JSONRecordStream(path: path, chunkSize: chunkSize).forEachRecord { record in
                records += 1
                let value: JSONValue
                do throws(JSONParser.Failure) {
                    value = try JSONParser.parse(record.bytes)
                } catch {
                    let at = JSONParser.position(of: error.offset, in: record.bytes, startLine: record.line, startColumn: record.column)
                    report.reject(RecordIssue(line: at.line, column: at.column, message: "not valid JSON: \(error.message); record skipped"))
                    return
                }
                mapper.readRecord(value, line: record.line, into: &sink, report: &report)
            }
        } catch {
            report.fatal = error
            return
        }
        if let fault = outcome.fault {
            if records == 0 {
                report.fatal = .malformed("line \(fault.line): not a JSON directory: \(fault.message)")
            } else {
                report.reject(RecordIssue(line: fault.line, column: fault.column, message: "\(fault.message); the records before this point were read, the rest of the file could not be"))
            }
        } else if records == 0 {
            report.fatal = .notADirectory("the file holds no records")
        } else if mapper.unknownRecords == records {
            if let what = mapper.firstForeignKind {
                report.fatal = .notADirectory("the file holds \(what)")
            } else {
                report.fatal = .notADirectory("the JSON holds no HSDS service or organization (a service needs \"id\", \"name\" and \"status\")")
            }
            report.rejected.removeAll()
        }
    }
}
