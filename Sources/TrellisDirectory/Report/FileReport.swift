import TrellisCore

/// A problem with one record or one place in a file.
public struct RecordIssue: Hashable, Codable, Sendable {
    public var line: Int
    public var column: Int
    public var message: String
    /// The record's key when it had one.
    public var recordKey: String?
    /// The element or key at fault (`SiteService/Taxonomy`, `status`).
    public var field: String?

    public init(line: Int, column: Int = 1, message: String, recordKey: String? = nil, field: String? = nil) {
        self.line = line
        self.column = column
        self.message = message
        self.recordKey = recordKey
        self.field = field
    }
}

public enum DirectoryFormat: String, Codable, Sendable {
    case airs
    case hsds
}

/// What reading one file found: counts, rejected records and tolerated quirks, each with its line.
public struct FileReport: Sendable {
    public var path: String
    public var format: DirectoryFormat?
    /// AIRS `SourceEntity` or `hsds`.
    public var source: String?
    public var services = 0
    public var organizations = 0
    public var rejected: [RecordIssue] = []
    public var warnings: [RecordIssue] = []
    /// Strict-mode (`--xsd`) violations.
    public var schemaViolations: [RecordIssue] = []
    /// Warnings past `warningLimit` are counted, not kept.
    public var warningsNotKept = 0
    /// Taxonomy codes no map entry covers, with how often each was seen.
    public var unmappedCodes: [String: Int] = [:]
    /// Set when the file could not be read at all.
    public var fatal: DirectoryFileError?

    /// Enough to show every kind of problem a file has many times over; a national directory raised
    /// 103,068 warnings, and keeping 100,000 of them held 50 MB and wrote a 16 MB report.
    public static let warningLimit = 10_000

    public init(path: String) { self.path = path }

    public var warningCount: Int { warnings.count + warningsNotKept }

    mutating func warn(_ issue: RecordIssue) {
        if warnings.count < Self.warningLimit { warnings.append(issue) } else { warningsNotKept += 1 }
    }

    mutating func reject(_ issue: RecordIssue) { rejected.append(issue) }

    mutating func countUnmapped(_ codes: [String]) {
        for code in codes { unmappedCodes[code, default: 0] += 1 }
    }
}

extension FileReport {
    /// The ids of the services whose records this file holds but rejected, where the rejection names
    /// the record's key: a full import keeps them rather than withdraw them.
    public var rejectedServiceIDs: Set<String> {
        guard let source else { return [] }
        return Set(rejected.compactMap { $0.recordKey.map { StableID.service(source: source, key: $0) } })
    }
}
