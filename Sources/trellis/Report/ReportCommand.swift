import ArgumentParser
import Foundation
import TrellisStore

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Loop closure per agency and overall: sent, accepted, rejected (with reasons), completed, unanswered, overdue.",
        discussion: """
        Counts referrals sent in the period. Loop closure is the share that reached an outcome (completed, \
        rejected, failed, or cancelled after the agency answered), leaving out referrals withdrawn before any \
        answer. Overdue counts every referral waiting past its deadline now, whenever it was sent.
        """)

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("Start of the period (YYYY-MM-DD or a date-time with zone; default: 30 days ago).", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("End of the period, exclusive (default: now).", valueName: "date"))
    var to: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let now = Date()
        let start = try from.map { try Self.date($0, option: "--from") } ?? now.addingTimeInterval(-30 * 86_400)
        let end = try to.map { try Self.date($0, option: "--to") } ?? now.addingTimeInterval(1)
        guard start < end else { throw ValidationError("--from must come before --to") }
        let report = try await store.withStore { try await $0.loopClosureReport(from: start, to: end, now: now) }
        if json {
            print(try ReferralOutput.encode(report))
            return
        }
        print("referrals sent \(start.formatted(.iso8601)) to \(end.formatted(.iso8601))")
        print(Self.header)
        for figures in report.agencies { print(Self.row(figures.organizationID ?? "?", figures)) }
        print(Self.row("all agencies", report.overall))
        let reasons = report.overall.rejectionReasons.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        if !reasons.isEmpty {
            print("rejection reasons:")
            for (reason, count) in reasons { print("  \(count)  \(reason)") }
        }
    }

    static let header = pad("agency", 20) + ["sent", "accepted", "rejected", "completed", "unanswered", "overdue", "closed", "answer h"]
        .map { pad($0, 11) }.joined()

    static func row(_ name: String, _ f: LoopClosureReport.Figures) -> String {
        let rate = f.loopClosureRate.map { String(format: "%.0f%%", $0 * 100) } ?? "–"
        let hours = f.medianHoursToFirstAnswer.map { String(format: "%.1f", $0) } ?? "–"
        return pad(name, 20) + [f.sent, f.accepted, f.rejected, f.completed, f.unanswered, f.overdueNow].map { pad(String($0), 11) }.joined()
            + pad(rate, 11) + pad(hours, 11)
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    static func date(_ text: String, option: String) throws -> Date {
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        if text.count == 10, let date = try? Date.ISO8601FormatStyle().parse(text + "T00:00:00Z") { return date }
        throw ValidationError("\(option): expected YYYY-MM-DD or a date-time with zone, as 2026-11-20T15:04:00Z")
    }
}
