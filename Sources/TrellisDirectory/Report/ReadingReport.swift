import TrellisCore

/// The machine-readable report of reading directory files: `directory validate` and `directory import`
/// print it, and the API answers an upload with it.
public struct ReadingReport: Encodable, Sendable {
    public struct File: Encodable, Sendable {
        public var path: String
        public var format: String?
        public var source: String?
        public var services: Int
        public var organizations: Int
        public var rejected: [Rejection]
        public var warnings: [Warning]
        public var warningsNotListed: Int?
        public var schemaViolations: [Warning]?
        public var unmappedCodes: [String: Int]
        public var error: String?

        enum CodingKeys: String, CodingKey {
            case path, format, source, services, organizations, rejected, warnings, error
            case warningsNotListed = "warnings_not_listed", schemaViolations = "schema_violations"
            case unmappedCodes = "unmapped_codes"
        }
    }

    public struct Rejection: Encodable, Sendable {
        public var line: Int
        public var column: Int
        public var reason: String
        public var record: String?
        public var field: String?
    }

    public struct Warning: Encodable, Sendable {
        public var line: Int
        public var column: Int
        public var message: String
        public var record: String?
        public var field: String?
    }

    public var files: [File]
    public var services: Int
    public var rejected: Int
    public var warnings: Int
    public var domains: [String: Int]?
    public var duplicates: Int?
    /// Where the directory was stored, with `--db`.
    public var stored: Stored?

    public struct Stored: Encodable, Sendable {
        public var database: String
        public var snapshot: Int64
        public var services: Int
        /// The source the services were stored under (nil: each record's own provider id).
        public var source: String?
        public var replacedSource: Bool
        /// What the import changed in the stored directory.
        public var added: Int
        public var updated: Int
        public var unchanged: Int
        public var withdrawn: Int

        public init(database: String, snapshot: Int64, services: Int, source: String? = nil, replacedSource: Bool = false,
                    added: Int = 0, updated: Int = 0, unchanged: Int = 0, withdrawn: Int = 0) {
            self.database = database
            self.snapshot = snapshot
            self.services = services
            self.source = source
            self.replacedSource = replacedSource
            self.added = added
            self.updated = updated
            self.unchanged = unchanged
            self.withdrawn = withdrawn
        }

        enum CodingKeys: String, CodingKey {
            case database, snapshot, services, source, added, updated, unchanged, withdrawn
            case replacedSource = "replaced_source"
        }

        /// "12 added, 3 updated, 980 unchanged, 2 withdrawn".
        public var changeSummary: String {
            "\(added) added, \(updated) updated, \(unchanged) unchanged, \(withdrawn) withdrawn"
        }
    }

    public init(_ reports: [FileReport], merged: DirectoryImport? = nil) {
        files = reports.map { r in
            File(path: r.path, format: r.format?.rawValue, source: r.source, services: r.services,
                 organizations: r.organizations,
                 rejected: r.rejected.map { Rejection(line: $0.line, column: $0.column, reason: $0.message, record: $0.recordKey, field: $0.field) },
                 warnings: r.warnings.map { Warning(line: $0.line, column: $0.column, message: $0.message, record: $0.recordKey, field: $0.field) },
                 warningsNotListed: r.warningsNotKept > 0 ? r.warningsNotKept : nil,
                 schemaViolations: r.schemaViolations.isEmpty ? nil : r.schemaViolations.map {
                     Warning(line: $0.line, column: $0.column, message: $0.message, record: nil, field: $0.field)
                 },
                 unmappedCodes: r.unmappedCodes,
                 error: r.fatal?.description)
        }
        services = merged?.serviceCount ?? reports.reduce(0) { $0 + $1.services }
        rejected = reports.reduce(0) { $0 + $1.rejected.count }
        warnings = reports.reduce(0) { $0 + $1.warningCount }
        if let merged {
            domains = Dictionary(uniqueKeysWithValues: merged.domainCounts.map { ($0.key.rawValue, $0.value) })
            duplicates = merged.duplicates
        }
    }
}
