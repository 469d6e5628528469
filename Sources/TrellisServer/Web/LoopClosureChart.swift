import Foundation
import TrellisStore

/// The dashboard's chart, drawn by the server as SVG: one bar per agency for its loop-closure rate,
/// labelled with the rate and the median hours to a first answer. No script, readable by a screen
/// reader through its title, description and per-bar titles.
enum LoopClosureChart {
    static let labelWidth = 170.0, barWidth = 360.0, rowHeight = 30.0

    static func svg(_ agencies: [LoopClosureReport.Figures]) -> String {
        let height = max(1, Double(agencies.count)) * rowHeight + 30
        var svg = """
            <svg id="loop-closure-chart" xmlns="http://www.w3.org/2000/svg" role="img" width="\(Int(labelWidth + barWidth + 150))" \
            height="\(Int(height))" viewBox="0 0 \(Int(labelWidth + barWidth + 150)) \(Int(height))" aria-labelledby="chart-title chart-desc">
            <title id="chart-title">Loop-closure rate by agency</title>
            <desc id="chart-desc">Share of referrals sent to each agency that reached a final outcome, with the median hours to its first answer.</desc>
            <line x1="\(labelWidth)" y1="0" x2="\(labelWidth)" y2="\(Int(height - 25))" class="axis"/>
            """
        for (row, agency) in agencies.enumerated() {
            let y = Double(row) * rowHeight + 4
            let rate = agency.loopClosureRate ?? 0
            let name = escape(agency.organizationID ?? "all")
            let percent = agency.loopClosureRate.map { String(format: "%.0f%%", $0 * 100) } ?? "n/a"
            let hours = agency.medianHoursToFirstAnswer.map { String(format: "%.1f h", $0) } ?? "no answer yet"
            svg += """
                <g class="bar"><title>\(name): \(percent) closed of \(agency.sent) sent; median first answer \(hours)</title>
                <text x="\(labelWidth - 8)" y="\(y + 15)" text-anchor="end">\(name)</text>
                <rect x="\(labelWidth)" y="\(y)" width="\(String(format: "%.1f", max(2, rate * barWidth)))" height="20" class="\(rate >= 0.5 ? "good" : "low")"/>
                <text x="\(labelWidth + max(2, rate * barWidth) + 6)" y="\(y + 15)">\(percent) · \(hours)</text></g>

                """
        }
        svg += """
            <text x="\(labelWidth)" y="\(Int(height - 8))" class="scale">0%</text>
            <text x="\(labelWidth + barWidth)" y="\(Int(height - 8))" text-anchor="end" class="scale">100%</text>
            </svg>
            """
        return svg
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
