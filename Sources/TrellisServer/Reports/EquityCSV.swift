import Foundation
import Hummingbird
import TrellisStore

/// The equity report as CSV: one line per group of each dimension, after the overall line; a
/// suppressed cell reads "<11", as in the JSON.
enum EquityCSV {
    static let header = ["dimension", "group", "referrals", "accepted", "acceptance_rate", "answered", "median_hours_to_answer"]
        + EquityReport.outcomes

    static func text(_ report: EquityReport) -> String {
        var lines = [header.joined(separator: ",")]
        lines.append(line("all", report.overall))
        for breakdown in report.breakdowns {
            for row in breakdown.rows { lines.append(line(breakdown.dimension, row)) }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func line(_ dimension: String, _ row: EquityReport.Row) -> String {
        let fields = [dimension, row.group, row.referrals.description, row.accepted.description,
                      row.acceptanceRate.map { String(format: "%.3f", $0) } ?? "", row.answered.description,
                      row.medianHoursToAnswer.map { String(format: "%.1f", $0) } ?? ""]
            + EquityReport.outcomes.map { row.outcomes[$0]?.description ?? "" }
        return fields.map(escape).joined(separator: ",")
    }

    /// Quoted when it holds a separator or quote; a leading formula character is defused for spreadsheets.
    static func escape(_ field: String) -> String {
        var text = field
        if let first = text.first, "=+-@".contains(first), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { ",\"\r\n".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func response(_ report: EquityReport) -> Response {
        Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                        .contentDisposition: "attachment; filename=\"equity-report.csv\""],
                 body: .init(byteBuffer: ByteBuffer(string: text(report))))
    }

    /// CSV when `format=csv`, or when the client accepts text/csv and not JSON first.
    static func wanted(_ request: Request) throws -> Bool {
        switch request.uri.text("format") {
        case "csv": return true
        case "json": return false
        case nil where !request.uri.has("format"):
            let accept = request.headers[.accept]?.lowercased() ?? ""
            return accept.hasPrefix("text/csv")
        default: throw APIError.invalid("format is json or csv", field: "format")
        }
    }
}
