import TrellisMatching

/// A match's reasons as a case worker reads them: each in words with its effect on the ranking
/// ("Offers services in Spanish — ranks higher") instead of a signed number. A factor that was scored
/// but moved nothing because nothing is known ("Capacity not reported", "No referral history with this
/// agency yet") is left out; a fact that explains why the service is listed keeps its words alone.
enum MatchReasonWording {
    /// Scored factors that, at weight zero, say only that something is unknown or did not apply.
    static let silentWhenZero: Set<String> = [
        "capacity_unknown", "language_unknown", "fidelity", "verified", "responsiveness_unknown", "preferences",
    ]

    struct Line: Equatable {
        var text: String
        /// "ranks higher", "ranks lower", or nil for a fact that does not move the ranking.
        var effect: String?
        /// "higher", "lower" or "neutral", for the style.
        var direction: String
        /// What the factor added, for staff who want the number (a title attribute); nil for a fact.
        var weight: String?
    }

    /// With `time`, the days in the reasons ("Verified 2026-10-29") are said in words.
    static func lines(_ reasons: [MatchReason], time: PageTime? = nil) -> [Line] {
        reasons.compactMap { reason in
            let weight = (reason.weight * 100).rounded() / 100
            if weight == 0, silentWhenZero.contains(reason.code) { return nil }
            guard !reason.text.isEmpty else { return nil }
            let text = time.map { $0.wordingDays(in: reason.text) } ?? reason.text
            let number = String(format: "%+.2f", reason.weight)
            if weight > 0 { return Line(text: text, effect: "ranks higher", direction: "higher", weight: number) }
            if weight < 0 { return Line(text: text, effect: "ranks lower", direction: "lower", weight: number) }
            return Line(text: text, effect: nil, direction: "neutral", weight: nil)
        }
    }

    static func values(_ reasons: [MatchReason], time: PageTime) -> [[String: Any]] {
        lines(reasons, time: time).map { line in
            var row: [String: Any] = ["text": line.text, "direction": line.direction]
            row["effect"] = line.effect
            row["weight"] = line.weight
            return row
        }
    }
}
