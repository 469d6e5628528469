import TrellisCore

/// Reads AIRS XML 3.0 and 3.1 with libxml2's streaming reader, one top-level agency at a time:
/// memory holds one agency's subtree, whatever the file's size.
struct AIRSReader {
    static let namespace31 = "http://www.airs.org/schema/3_1/AIRS.xsd"
    /// Agencies may nest; deeper than this is refused as hostile.
    static let maximumAgencyDepth = 32

    let taxonomy: TaxonomyMap
    let path: String

    func read(into sink: inout some DirectorySink, report: inout FileReport) {
        report.format = .airs
        if let refusal = Self.prologRefusal(path: path) {
            report.fatal = refusal
            return
        }
        let reader: XMLStreamReader
        do {
            reader = try XMLStreamReader(path: path)
        } catch {
            report.fatal = error
            return
        }

        var context: AIRSContext? = nil
        var agenciesRead = 0
        var more = reader.read()
        while more {
            switch reader.nodeType {
            case .documentType:
                report.fatal = .hostile("line \(reader.line): document type declarations (DTDs) are refused: they are how XML smuggles entity expansion and external files")
                return
            case .element where reader.depth == 0:
                guard reader.localName == "Source" else {
                    report.fatal = .notADirectory("line \(reader.line): the root element is <\(reader.localName)>, not an AIRS <Source>")
                    return
                }
                if let ns = reader.namespaceURI, ns != Self.namespace31 {
                    report.warn(RecordIssue(line: reader.line, message: "unexpected namespace \"\(ns)\" on <Source>; read as AIRS anyway", field: "Source"))
                }
                let source: String
                if let entity = reader.attribute("SourceEntity")?.nonBlank {
                    source = entity
                } else {
                    source = Self.fileStem(path)
                    report.warn(RecordIssue(line: reader.line, message: "<Source> has no SourceEntity; record keys are taken as unique within \"\(source)\"", field: "Source/@SourceEntity"))
                }
                report.source = source
                context = AIRSContext(taxonomy: taxonomy, path: path, source: source)
                more = reader.read()
            case .element where reader.depth == 1 && reader.localName == "Agency":
                guard context != nil, let agency = reader.expand() else {
                    more = false
                    break
                }
                // In place: the context holds memo tables that a copy would duplicate.
                context!.readAgency(agency, parentID: nil, depth: 1, into: &sink, report: &report)
                agenciesRead += 1
                more = reader.skipSubtree()
            default:
                more = reader.read()
            }
        }

        if let problem = reader.fatalProblem {
            var message = "XML is not well-formed: \(problem.message)"
            if Self.endsMidDocument(path: path) {
                message = "the file ends in the middle of a record (cut off?): \(problem.message)"
            }
            if problem.message.contains("Excessive depth") || problem.message.contains("amplification")
                || problem.message.contains("entity") && problem.message.contains("loop") {
                report.fatal = .hostile("line \(problem.line): \(message)")
            } else if agenciesRead == 0 && report.services == 0 {
                report.fatal = context == nil
                    ? .notADirectory("line \(problem.line): not XML: \(problem.message)")
                    : .malformed("line \(problem.line): \(message)")
            } else {
                report.reject(RecordIssue(line: problem.line, column: problem.column,
                                          message: "\(message); the records before this point were read, the rest of the file could not be"))
            }
        } else if context == nil {
            report.fatal = .notADirectory("no AIRS <Source> element found")
        }
    }

    /// Refuses a DTD before libxml2 parses any of it: AIRS exports never carry one, and a DTD is
    /// where entity bombs and external-entity reads live.
    static func prologRefusal(path: String) -> DirectoryFileError? {
        guard let head = FilePrefix.read(path: path, count: 8192) else { return nil }
        let text = String(decoding: head, as: UTF8.self)
        guard let doctype = text.range(of: "<!DOCTYPE") else { return nil }
        // CRLF is one Character in Swift, and old exports end lines with CR alone: every newline counts.
        let line = text[..<doctype.lowerBound].filter(\.isNewline).count + 1
        return .hostile("line \(line): document type declarations (DTDs) are refused: they are how XML smuggles entity expansion and external files")
    }

    /// A complete AIRS file ends with `</Source>` (or a 3.1 prefix of it) and white space.
    static func endsMidDocument(path: String) -> Bool {
        guard let tail = FilePrefix.readTail(path: path, count: 256) else { return false }
        let text = String(decoding: tail, as: UTF8.self).trimmingWhitespace()
        return !(text.hasSuffix("Source>"))
    }

    static func fileStem(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.split(separator: ".").first.map(String.init) ?? name
    }
}
