import Foundation
import TrellisStore

/// The dashboard's chart, drawn by the server as SVG: one bar per agency, named (not by its id), for
/// its loop-closure rate, labelled with the rate and the median hours to a first answer. No script;
/// a screen reader reads its title, description and per-bar titles, and the table after it
/// (`#agencies`) gives the same figures. Drawn at 15 px text on a wide canvas that the stylesheet
/// scales down to the page's width.
enum LoopClosureChart {
    static let labelWidth = 260.0, barWidth = 420.0, rowHeight = 40.0, barHeight = 26.0, valueWidth = 200.0
    /// Longer names are shortened on the bar's label (the bar's title keeps the whole name).
    static let labelCharacters = 30

    static func svg(_ agencies: [LoopClosureReport.Figures], name: (String) -> String = { $0 }) -> String {
        let height = max(1, Double(agencies.count)) * rowHeight + 34
        let width = Int(labelWidth + barWidth + valueWidth)
        var svg = """
            <svg id="loop-closure-chart" xmlns="http://www.w3.org/2000/svg" role="img" width="\(width)" \
            height="\(Int(height))" viewBox="0 0 \(width) \(Int(height))" preserveAspectRatio="xMinYMin meet" aria-labelledby="chart-title chart-desc">
            <title id="chart-title">Loop-closure rate by agency</title>
            <desc id="chart-desc">Share of referrals sent to each agency that reached a final outcome, with the median hours to its \
            first answer. The table after the chart gives the same figures.</desc>
            <line x1="\(labelWidth)" y1="0" x2="\(labelWidth)" y2="\(Int(height - 28))" class="axis"/>

            """
        for (row, agency) in agencies.enumerated() {
            let y = Double(row) * rowHeight + 6
            let rate = agency.loopClosureRate ?? 0
            let full = agency.organizationID.map(name) ?? "all"
            let label = escape(full.count > labelCharacters ? String(full.prefix(labelCharacters - 1)) + "…" : full)
            let percent = agency.loopClosureRate.map { String(format: "%.0f%%", $0 * 100) } ?? "n/a"
            let hours = agency.medianHoursToFirstAnswer.map { String(format: "%.1f h", $0) } ?? "no answer yet"
            let bar = max(2, rate * barWidth)
            svg += """
                <g class="bar"><title>\(escape(full)): \(percent) closed of \(agency.sent) sent; median first answer \(hours)</title>
                <text x="\(labelWidth - 10)" y="\(y + barHeight - 8)" text-anchor="end">\(label)</text>
                <rect x="\(labelWidth)" y="\(y)" width="\(String(format: "%.1f", bar))" height="\(barHeight)" class="\(rate >= 0.5 ? "good" : "low")"/>
                <text x="\(String(format: "%.1f", labelWidth + bar + 8))" y="\(y + barHeight - 8)">\(percent) · \(hours)</text></g>

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
