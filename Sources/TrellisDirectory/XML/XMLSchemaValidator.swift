import CLibXML2
import Foundation
import TrellisCore

/// Strict validation of an XML file against an XML Schema with libxml2's xmlschemas, in a
/// streaming pass of its own. Every violation comes back with its line and column.
///
/// The process-wide entity loader refuses every external resource, schemas included, so the
/// schema is read from memory and the document through a reader opened directly on the file.
enum XMLSchemaValidator {
    static func validate(path: String, schemaPath: String) -> Result<[RecordIssue], DirectoryFileError> {
        LibXML2.initialise()
        guard let schemaBytes = FileManager.default.contents(atPath: schemaPath) else {
            return .failure(.unreadable("cannot read the schema \(schemaPath)"))
        }
        let schemaProblems = ProblemBox()
        let schema: xmlSchemaPtr? = schemaBytes.withUnsafeBytes { raw in
            guard let context = xmlSchemaNewMemParserCtxt(raw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(raw.count)) else {
                return nil
            }
            defer { xmlSchemaFreeParserCtxt(context) }
            xmlSchemaSetParserStructuredErrors(context, collect, Unmanaged.passUnretained(schemaProblems).toOpaque())
            return xmlSchemaParse(context)
        }
        guard let schema else {
            let why = schemaProblems.all.first.map { "line \($0.line): \($0.message)" } ?? "not an XML Schema"
            return .failure(.unreadable("the schema \(schemaPath) cannot be used: \(why)"))
        }
        defer { xmlSchemaFree(schema) }
        guard let validContext = xmlSchemaNewValidCtxt(schema) else {
            return .failure(.unreadable("libxml2 could not create a schema validation context"))
        }
        defer { xmlSchemaFreeValidCtxt(validContext) }
        let problems = ProblemBox()
        xmlSchemaSetValidStructuredErrors(validContext, collect, Unmanaged.passUnretained(problems).toOpaque())

        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue)
        guard let reader = xmlReaderForFile(path, nil, options) else {
            return .failure(.unreadable("libxml2 could not open the file"))
        }
        defer { xmlFreeTextReader(reader) }
        guard xmlTextReaderSchemaValidateCtxt(reader, validContext, 0) == 0 else {
            return .failure(.unreadable("libxml2 could not attach the schema"))
        }
        while xmlTextReaderRead(reader) == 1 {}
        return .success(problems.all.map {
            RecordIssue(line: $0.line, column: max($0.column, 1), message: $0.message, field: "schema")
        })
    }

    private static let collect: xmlStructuredErrorFunc = { context, error in
        guard let context, let error else { return }
        Unmanaged<ProblemBox>.fromOpaque(context).takeUnretainedValue().record(error.pointee)
    }
}
