import CLibXML2
import TrellisCore

/// Strict validation of an XML file against an XML Schema with libxml2's xmlschemas, in a
/// streaming pass of its own. Every violation comes back with its line and column.
enum XMLSchemaValidator {
    static func validate(path: String, schemaPath: String) -> Result<[RecordIssue], DirectoryFileError> {
        LibXML2.initialise()
        guard let parserContext = xmlSchemaNewParserCtxt(schemaPath) else {
            return .failure(.unreadable("cannot open the schema \(schemaPath)"))
        }
        defer { xmlSchemaFreeParserCtxt(parserContext) }
        let schemaProblems = ProblemBox()
        xmlSchemaSetParserStructuredErrors(parserContext, { context, error in
            guard let context, let error else { return }
            Unmanaged<ProblemBox>.fromOpaque(context).takeUnretainedValue().record(error.pointee)
        }, Unmanaged.passUnretained(schemaProblems).toOpaque())
        guard let schema = xmlSchemaParse(parserContext) else {
            let why = schemaProblems.all.first.map { "line \($0.line): \($0.message)" } ?? "not an XML Schema"
            return .failure(.unreadable("the schema \(schemaPath) cannot be used: \(why)"))
        }
        defer { xmlSchemaFree(schema) }
        guard let validContext = xmlSchemaNewValidCtxt(schema) else {
            return .failure(.unreadable("libxml2 could not create a schema validation context"))
        }
        defer { xmlSchemaFreeValidCtxt(validContext) }
        let problems = ProblemBox()
        xmlSchemaSetValidStructuredErrors(validContext, { context, error in
            guard let context, let error else { return }
            Unmanaged<ProblemBox>.fromOpaque(context).takeUnretainedValue().record(error.pointee)
        }, Unmanaged.passUnretained(problems).toOpaque())
        xmlSchemaSetValidOptions(validContext, Int32(XML_SCHEMA_VAL_VC_I_CREATE.rawValue))
        _ = xmlSchemaValidateFile(validContext, path, 0)
        let violations = problems.all.map {
            RecordIssue(line: $0.line, column: max($0.column, 1), message: $0.message, field: "schema")
        }
        return .success(violations)
    }
}
