import TrellisMatching

/// Matches as a case worker reads them.
enum MatchPrinter {
    static func print(_ outcome: MatchOutcome) {
        for group in outcome.matches {
            let need = group.need
            Swift.print("\(need.domain.title)\(need.detail.map { " — \($0.split(separator: "_").joined(separator: " "))" } ?? "") (\(need.urgency.rawValue))")
            if group.results.isEmpty { Swift.print("  no service fits this need") }
            for (i, r) in group.results.enumerated() {
                let distance = r.distanceKm.map { " · \($0) km" } ?? ""
                Swift.print("  \(i + 1). \(r.serviceName) — \(r.organization)  [score \(r.score)\(distance)]\(r.faithBased ? "  (faith-based)" : "")")
                Swift.print("     id \(r.serviceID)")
                for reason in r.reasons {
                    let weight = reason.weight == 0 ? "" : String(format: " (%+.3f)", reason.weight)
                    Swift.print("     + \(reason.text)\(weight)")
                }
                for warning in r.warnings { Swift.print("     ! \(warning.text)") }
            }
            Swift.print("")
        }
        Swift.print("\(outcome.excluded) services were excluded by a rule; `--explain SERVICE_ID` says which.")
    }

    static func print(_ e: ServiceExplanation) {
        Swift.print("\(e.serviceName) — \(e.organization) (\(e.serviceID))")
        Swift.print("categories: \(e.categories.joined(separator: ", "))")
        for n in e.needs {
            Swift.print("\nfor \(n.need.domain.rawValue)\(n.need.detail.map { "/\($0)" } ?? "") (\(n.need.urgency.rawValue)):")
            if let rule = n.excludedBy {
                Swift.print("  \(n.offersThisNeed && n.score == nil ? "excluded" : n.offersThisNeed ? "last resort" : "not offered"): \(rule.text) [\(rule.code)]")
            }
            if let score = n.score { Swift.print("  score \(score)\(n.distanceKm.map { ", \($0) km" } ?? "")") }
            for factor in n.breakdown {
                Swift.print("  \(String(format: "%+.4f", factor.weight))  \(factor.code): \(factor.text)")
            }
            for w in n.warnings { Swift.print("  ! \(w.text)") }
        }
    }
}

import Foundation
