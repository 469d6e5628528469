import Foundation
import TrellisCore
import TrellisDirectory

/// The machine-readable report of `directory validate` and `directory import`.
struct ReadingReport: Encodable {
    struct File: Encodable {
        var path: String
        var format: String?
        var source: String?
        var services: Int
        var organizations: Int
        var rejected: [Rejection]
        var warnings: [Warning]
        var warningsNotListed: Int?
        var schemaViolations: [Warning]?
        var unmappedCodes: [String: Int]
        var error: String?

        enum CodingKeys: String, CodingKey {
            case path, format, source, services, organizations, rejected, warnings, error
            case warningsNotListed = "warnings_not_listed", schemaViolations = "schema_violations"
            case unmappedCodes = "unmapped_codes"
        }
    }

    struct Rejection: Encodable {
        var line: Int
        var column: Int
        var reason: String
        var record: String?
        var field: String?
    }

    struct Warning: Encodable {
        var line: Int
        var column: Int
        var message: String
        var record: String?
        var field: String?
    }

    var files: [File]
    var services: Int
    var rejected: Int
    var warnings: Int
    var domains: [String: Int]?
    var duplicates: Int?
    /// Where the directory was stored, with `--db`.
    var stored: Stored?

    struct Stored: Encodable {
        var database: String
        var snapshot: Int64
        var services: Int
    }

    init(_ reports: [FileReport], merged: DirectoryImport? = nil) {
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

    func printJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        FileHandle.standardOutput.write(try encoder.encode(self) + Data("\n".utf8))
    }

    /// `path:line:column: error|warning: message` lines, then a summary per file and overall.
    static func printHuman(_ reports: [FileReport], showWarnings: Bool = true) {
        for r in reports {
            if let fatal = r.fatal {
                print("\(r.path): error: \(fatal.description)")
                continue
            }
            var lines: [(Int, Int, String)] = r.rejected.map { ($0.line, $0.column, "error: \($0.message)") }
            lines += r.schemaViolations.map { ($0.line, $0.column, "error: schema: \($0.message)") }
            if showWarnings { lines += r.warnings.map { ($0.line, $0.column, "warning: \($0.message)") } }
            for (line, column, text) in lines.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
                print("\(r.path):\(line):\(column): \(text)")
            }
            var summary = "\(r.path): \(r.format?.rawValue.uppercased() ?? "?"), \(r.services) services, \(r.organizations) organizations, \(r.rejected.count) rejected, \(r.warningCount) warnings"
            if !r.schemaViolations.isEmpty { summary += ", \(r.schemaViolations.count) schema violations" }
            let unmapped = r.unmappedCodes.values.reduce(0, +)
            if unmapped > 0 { summary += ", \(r.unmappedCodes.count) unmapped codes (\(unmapped) uses)" }
            print(summary)
        }
        if reports.count > 1 {
            let services = reports.reduce(0) { $0 + $1.services }
            let rejected = reports.reduce(0) { $0 + $1.rejected.count }
            let unreadable = reports.filter { $0.fatal != nil }.count
            print("total: \(reports.count) files, \(services) services, \(rejected) rejected, \(unreadable) unreadable")
        }
    }
}
