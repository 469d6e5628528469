import Foundation
import TrellisDirectory

extension ReadingReport {
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
