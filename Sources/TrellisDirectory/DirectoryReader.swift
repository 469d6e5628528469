public import TrellisCore

/// Reads provider directory files of either format into a sink, one record at a time, and reports
/// what it accepted, tolerated and rejected. One bad record never sinks a file.
public struct DirectoryReader: Sendable {
    public var taxonomy: TaxonomyMap
    /// With a schema, AIRS files are also validated strictly against it (`--xsd`).
    public var schemaPath: String?

    public init(taxonomy: TaxonomyMap, schemaPath: String? = nil) {
        self.taxonomy = taxonomy
        self.schemaPath = schemaPath
    }

    /// Reads one file. Never throws: a file that cannot be read at all has `fatal` set.
    public func read(path: String, into sink: inout some DirectorySink) -> FileReport {
        var report = FileReport(path: path)
        switch Self.sniff(path: path) {
        case .failure(let error):
            report.fatal = error
        case .success(.airs):
            AIRSReader(taxonomy: taxonomy, path: path).read(into: &sink, report: &report)
            if report.fatal == nil, let schemaPath {
                switch XMLSchemaValidator.validate(path: path, schemaPath: schemaPath) {
                case .success(let violations): report.schemaViolations = violations
                case .failure(let error): report.fatal = error
                }
            }
        case .success(.hsds):
            HSDSReader(taxonomy: taxonomy, path: path).read(into: &sink, report: &report)
        }
        return report
    }

    /// Tells XML from JSON by the first meaningful byte, before any parser sees the file.
    static func sniff(path: String) -> Result<DirectoryFormat, DirectoryFileError> {
        guard let head = FilePrefix.read(path: path, count: 4096) else {
            return .failure(.unreadable("cannot open the file (missing or not readable)"))
        }
        guard !head.isEmpty else { return .failure(.unreadable("the file is empty")) }
        var i = 0
        if head.count >= 3, head[0] == 0xEF, head[1] == 0xBB, head[2] == 0xBF { i = 3 }
        while i < head.count, [0x20, 0x0A, 0x0D, 0x09].contains(head[i]) { i += 1 }
        guard i < head.count else { return .failure(.notADirectory("the file holds only white space")) }
        switch head[i] {
        case UInt8(ascii: "<"): return .success(.airs)
        case UInt8(ascii: "{"), UInt8(ascii: "["): return .success(.hsds)
        default:
            let binary = head.prefix(512).contains { $0 == 0 || ($0 < 0x09) }
            return .failure(.notADirectory(binary ? "binary data, neither XML nor JSON" : "neither XML nor JSON"))
        }
    }
}
