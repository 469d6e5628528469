import Foundation
import TrellisCore
import TrellisStore

/// The dashboard's chart of loop closure per need domain over time, drawn by the server as SVG: one
/// line per need domain across the weeks of the period, broken where a week has too few people to
/// show ("<11"). No script; a screen reader reads its title, description and each point's title.
enum LoopClosureTrendChart {
    static let left = 50.0, top = 10.0, width = 520.0, height = 200.0, legendWidth = 170.0

    static func svg(_ points: [EquityReport.WeekPoint], from: Date, to: Date, time: PageTime) -> String {
        let weeks = max(1, Int((to.timeIntervalSince(from) / (7 * 86_400)).rounded(.up)))
        let step = weeks > 1 ? width / Double(weeks - 1) : 0
        func x(_ date: Date) -> Double { left + Double(Int((date.timeIntervalSince(from) / (7 * 86_400)).rounded())) * step }
        func y(_ rate: Double) -> Double { top + (1 - rate) * height }
        let total = Int(left + width + legendWidth + 20)
        var svg = """
            <svg id="loop-closure-trend" xmlns="http://www.w3.org/2000/svg" role="img" width="\(total)" preserveAspectRatio="xMinYMin meet" height="\(Int(top + height + 40))" \
            viewBox="0 0 \(total) \(Int(top + height + 40))" aria-labelledby="trend-title trend-desc">
            <title id="trend-title">Loop closure per need domain, week by week</title>
            <desc id="trend-desc">For each need domain, the share of referrals sent in each week that reached a final outcome. \
            Weeks with fewer than \(EquityReport.minimumPeople) people are left out.</desc>
            <line x1="\(left)" y1="\(top)" x2="\(left)" y2="\(top + height)" class="axis"/>
            <line x1="\(left)" y1="\(top + height)" x2="\(left + width)" y2="\(top + height)" class="axis"/>
            <text x="\(left - 6)" y="\(top + 4)" text-anchor="end" class="scale">100%</text>
            <text x="\(left - 6)" y="\(top + height)" text-anchor="end" class="scale">0%</text>
            <text x="\(left)" y="\(top + height + 18)" class="scale">\(time.day(from))</text>
            <text x="\(left + width)" y="\(top + height + 18)" text-anchor="end" class="scale">\(time.day(to))</text>

            """
        for (index, domain) in NeedDomain.allCases.enumerated() {
            let mine = points.filter { $0.needDomain == domain.rawValue }.sorted { $0.weekStart < $1.weekStart }
            svg += "<g class=\"domain domain-\(index)\" data-domain=\"\(domain.rawValue)\">"
            // Consecutive shown weeks are joined; a hidden week breaks the line.
            var segment: [String] = []
            func flush() {
                if segment.count > 1 { svg += "<polyline fill=\"none\" points=\"\(segment.joined(separator: " "))\"/>" }
                segment = []
            }
            for point in mine {
                guard let rate = point.loopClosureRate else { flush(); continue }
                let (px, py) = (x(point.weekStart), y(rate))
                segment.append(String(format: "%.1f,%.1f", px, py))
                svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\"><title>", px, py)
                    + "\(domain.title), week of \(time.day(point.weekStart)): \(String(format: "%.0f%%", rate * 100)) closed</title></circle>"
            }
            flush()
            let ly = top + 14 + Double(index) * 18
            svg += "<text x=\"\(left + width + 16)\" y=\"\(ly)\">\(domain.title)</text></g>\n"
        }
        return svg + "</svg>"
    }
}
