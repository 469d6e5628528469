import Foundation
import TrellisCore

/// The weighted score of one eligible service for one need, factor by factor.
struct ScoreCard {
    /// Every factor, including those that added nothing (for `explain`).
    var breakdown: [MatchReason] = []
    var warnings: [MatchWarning] = []
    var score = 0.0

    /// Whether texts are built: the ranking pass needs numbers alone, the final top N everything.
    let explain: Bool

    private mutating func add(_ code: String, _ text: @autoclosure () -> String, _ weight: Double, value: Double) {
        score += weight * value
        guard explain else { return }
        let contribution = (weight * value * 10_000).rounded() / 10_000
        breakdown.append(MatchReason(code: code, text: text(), weight: contribution))
    }

    private mutating func note(_ code: String, _ text: @autoclosure () -> String) {
        guard explain else { return }
        breakdown.append(MatchReason(code: code, text: text(), weight: 0))
    }

    private mutating func warn(_ code: String, _ text: @autoclosure () -> String) {
        guard explain else { return }
        warnings.append(MatchWarning(code: code, text: text()))
    }

    init(_ s: IndexedService, need: NeedsProfile.Need, person: PersonContext, distance: Double?, crisis: Bool,
         config: ScoringConfiguration, responsiveness: Responsiveness?, today: CalendarDay, explain: Bool) {
        self.explain = explain
        let w = config.weights
        let profile = person.profile
        let maximum = profile.preferences.maxDistanceKm ?? config.defaultMaxDistanceKm

        // Which of the need's categories the service offers.
        if crisis {
            note("crisis_service", "Crisis service, offered first for a crisis whatever its distance")
        } else if let detail = need.detail, s.categories.contains(NeedCategory(need.domain, detail)) {
            note("detail_match", "Offers \(detail.replacingUnderscores) (\(need.domain.title.lowercased()))")
        } else if need.detail != nil {
            add("domain_match", "Offers \(need.domain.title.lowercased()) services in general, not \(need.detail?.replacingUnderscores ?? "") specifically",
                config.generalServicePenalty, value: -1)
        } else {
            note("domain_match", "Offers \(need.domain.title.lowercased()) services")
        }
        if s.faithBased {
            note("faith_based", "Faith-based" + (s.attributes.faithTradition.map { " (\($0))" } ?? "") + ", offered because the person opted in")
        }

        // Distance: full value nearby, decaying past the person's maximum; telehealth is not held back.
        if s.isVirtual && profile.preferences.telehealthOK {
            add("telehealth", "Offers telehealth, which the person accepts", w.distance, value: 1)
        } else if let distance {
            let value = Self.distanceValue(distance, maximum: maximum)
            let km = Self.formatKm(distance)
            if distance <= maximum {
                add("distance", "\(km) km away, within the \(Self.formatKm(maximum)) km the person can travel", w.distance, value: value)
            } else {
                add("distance_far", "\(km) km away, beyond the \(Self.formatKm(maximum)) km the person can travel", w.distance, value: value)
                warn("beyond_travel_distance", "\(km) km away, farther than the person can travel")
            }
        } else {
            add("distance_unknown", s.points.isEmpty ? "The directory gives no location for this service" : "The profile gives no location", w.distance, value: 0.5)
        }

        // Capacity: open places up, a waitlist down, unknown neutral; a report older than 30 days is unknown.
        if let c = s.capacity, let updated = c.updated, today.daysSinceEpoch - updated.daysSinceEpoch > Self.staleCapacityDays {
            add("capacity_stale", "Capacity last reported \(updated), over \(Self.staleCapacityDays) days ago: counted as unknown", w.capacity, value: 0)
        } else if let c = s.capacity {
            if let open = c.available, open > 0 {
                add("capacity_open", "\(open) place\(open == 1 ? "" : "s") open" + (c.maximum.map { " of \($0)" } ?? ""), w.capacity, value: Self.capacityValue(c))
            } else if let wait = c.waitlist, wait > 0 {
                add("waitlist", "\(wait) people on the waitlist", w.capacity, value: Self.capacityValue(c))
                warn("waitlist", "Has a waitlist of \(wait)")
            } else if c.available == 0 {
                add("capacity_full", "No places open" + (c.updated.map { " (as of \($0))" } ?? ""), w.capacity, value: -0.5)
                warn("full", "No places open at last report")
            } else {
                add("capacity_unknown", "Capacity not reported", w.capacity, value: 0)
            }
        } else {
            add("capacity_unknown", "Capacity not reported", w.capacity, value: 0)
        }

        // Language: a match matters most when an interpreter would otherwise be needed.
        let spoken = profile.person.languages
        let multiplier = profile.person.interpreterNeeded ? config.interpreterMultiplier : 1
        if s.languages.isEmpty {
            add("language_unknown", "Languages not stated", w.language, value: 0)
        } else if let primary = spoken.first, s.languages.contains(primary) {
            add("language_match", "Offers services in \(LanguageName.of(primary))", w.language, value: multiplier)
        } else if let shared = spoken.first(where: s.languages.contains) {
            add("language_secondary", "Offers services in \(LanguageName.of(shared)), not the person's first language", w.language, value: 0.3)
        } else {
            let first = spoken.first.map(LanguageName.of) ?? "the person's language"
            add("language_mismatch", "Does not list \(first)", w.language, value: -0.5 * multiplier)
            if profile.person.interpreterNeeded {
                warn("interpreter_needed", "Does not list \(first); arrange an interpreter")
            }
        }

        // Preferences.
        var preferenceValue = 0.0
        var liked: [String] = []
        if profile.preferences.peerRunPreferred && s.attributes.peerRun {
            preferenceValue += 1
            liked.append("peer-run, as preferred")
        }
        if profile.preferences.traumaInformed && s.traumaInformed {
            preferenceValue += 1
            liked.append("trauma-informed care, as preferred")
        }
        if let tradition = profile.preferences.faithTradition, s.faithBased, s.attributes.faithTradition == tradition {
            preferenceValue += 1
            liked.append("\(tradition) tradition, as preferred")
        }
        if profile.preferences.providerGender != nil {
            // Directories do not state a provider's gender: said, not scored.
            note("provider_gender_unknown", "The directory does not state providers' gender")
        }
        add(liked.isEmpty ? "preferences" : "preference_match",
            liked.isEmpty ? "No stated preference applies" : liked.joined(separator: "; ").capitalisedFirst,
            w.preferences, value: preferenceValue)

        // Accessibility: the share of the person's access needs the service states it meets.
        let needs = profile.preferences.accessibility
        if !needs.isEmpty {
            let met = needs.filter(s.accessOffered.contains)
            let unknown = needs.filter { !s.accessOffered.contains($0) }
            let value = Double(met.count) / Double(needs.count)
            let metText = met.map(\.title).joined(separator: ", ")
            let unknownText = unknown.map(\.title).joined(separator: ", ")
            if unknown.isEmpty {
                add("accessibility_met", "States \(metText), as the person needs", w.accessibility, value: value)
            } else if met.isEmpty {
                add("accessibility_unknown", "Accessibility not stated (\(unknownText)) — call ahead", w.accessibility, value: value)
            } else {
                add("accessibility_partial", "States \(metText); \(unknownText) not stated — call ahead", w.accessibility, value: value)
            }
            if !unknown.isEmpty {
                warn("accessibility_unknown", "Call ahead: the directory does not say whether it has \(unknownText)")
            }
        }

        // Program fidelity: IPS for work, Housing First for housing.
        if need.domain == .employment && s.attributes.ips {
            let value = Self.fidelityValue(s.attributes, domain: need.domain, priority: false)
            let rating = s.attributes.ipsFidelity.map { " (fidelity \($0.rawValue))" } ?? " (fidelity not rated)"
            add("ips", "IPS supported employment, zero exclusion\(rating)", w.fidelity, value: value)
        } else if need.domain == .housing && s.attributes.housingFirst {
            let priority = profile.circumstances.chronicallyHomeless || profile.circumstances.activeSubstanceUse
            add("housing_first", "Housing First: no sobriety or treatment precondition", w.fidelity, value: priority ? 2 : 1)
        } else {
            add("fidelity", "No evidence-based program model stated", w.fidelity, value: 0)
        }

        // Freshness.
        if let verified = s.lastVerified {
            let months = (today.daysSinceEpoch - verified.daysSinceEpoch) / 30
            if months <= config.freshWithinMonths {
                add("recently_verified", "Verified \(verified)", w.freshness, value: 1)
            } else if months <= config.staleAfterMonths {
                add("verified", "Verified \(verified)", w.freshness, value: 0)
            } else {
                add("stale", "Not verified since \(verified)", w.freshness, value: -1)
                warn("stale", "Not verified in \(config.staleAfterMonths) months (last \(verified))")
            }
        } else {
            add("never_verified", "Never verified", w.freshness, value: -1)
            warn("never_verified", "The directory has no verification date")
        }

        // The agency's responsiveness, from tracked referrals.
        if let r = responsiveness, r.referrals > 0 {
            let speed = max(-1, min(1, (config.expectedAnswerHours - r.medianHoursToAnswer) / config.expectedAnswerHours))
            let value = 0.5 * (r.acceptanceRate * 2 - 1) + 0.5 * speed
            add(value >= 0 ? "responsive_agency" : "slow_agency",
                "Accepts \(Int((r.acceptanceRate * 100).rounded()))% of referrals, answers in \(Int(r.medianHoursToAnswer.rounded())) h (median of \(r.referrals))",
                w.responsiveness, value: value)
        } else {
            add("responsiveness_unknown", "No referral history with this agency yet", w.responsiveness, value: 0)
        }

        score = (score * 10_000).rounded() / 10_000
    }

    /// Reasons shown with a result: what moved the score, and what the service is.
    var shownReasons: [MatchReason] {
        breakdown.filter { $0.weight != 0 || Self.alwaysShown.contains($0.code) }
    }

    static let alwaysShown: Set<String> = ["crisis_service", "detail_match", "domain_match", "faith_based", "capacity_stale", "accessibility_unknown"]

    /// Capacity reported longer ago than this counts as unknown.
    static let staleCapacityDays = 30

    static func capacityValue(_ capacity: Capacity?) -> Double {
        guard let c = capacity else { return 0 }
        if let open = c.available, open > 0 { return 1 }
        if let wait = c.waitlist, wait > 0 { return -min(1, 0.25 + Double(wait) / 40) }
        if c.available == 0 { return -0.5 }
        return 0
    }

    /// IPS for work, by its fidelity rating; Housing First for housing (doubled for a person whose
    /// circumstances make it the evidence-based choice, `priority`).
    static func fidelityValue(_ attributes: ProgramAttributes, domain: NeedDomain, priority: Bool) -> Double {
        if domain == .employment && attributes.ips {
            switch attributes.ipsFidelity {
            case .exemplary?: return 2
            case .good?: return 1.5
            case .fair?: return 1
            case .notIPS?: return 0
            case nil: return 1
            }
        }
        if domain == .housing && attributes.housingFirst { return priority ? 2 : 1 }
        return 0
    }

    /// 1 at the door, ½ at the person's maximum, then one less for every further maximum: past
    /// the distance a person can travel, distance counts against a service, so a far one cannot
    /// outrank a near one on its other merits alone (0 at 1.5×, −0.5 at 2×, −2 at 3.5× the maximum).
    static func distanceValue(_ distance: Double, maximum: Double) -> Double {
        let m = max(maximum, 0.1)
        return distance <= m ? 1 - 0.5 * (distance / m) : 0.5 - (distance - m) / m
    }

    /// "3.4" below 10 km, whole kilometres above; never traps, whatever the distance (a profile's
    /// limit is bounded, but a formatter must not be the thing that brings a server down).
    static func formatKm(_ km: Double) -> String {
        guard km.isFinite else { return "unknown" }
        if km < 10 { return String((km * 10).rounded() / 10) }
        return km < 1e15 ? String(Int(km.rounded())) : String(format: "%.3g", km)
    }
}

extension String {
    /// "supported_employment" as "supported employment" (runs of underscores as one space, none at
    /// either end).
    var replacingUnderscores: String {
        guard contains("_") else { return self }
        return split(separator: "_").joined(separator: " ")
    }
    var capitalisedFirst: String { prefix(1).uppercased() + dropFirst() }
}

/// English names of the BCP 47 codes profiles carry, for reasons people read.
enum LanguageName {
    static func of(_ code: String) -> String { names[code] ?? code }
    static let names: [String: String] = [
        "en": "English", "es": "Spanish", "vi": "Vietnamese", "so": "Somali", "ar": "Arabic", "kar": "Karen",
        "ase": "American Sign Language", "zh": "Chinese", "yue": "Cantonese", "ru": "Russian", "fr": "French",
        "ne": "Nepali", "my": "Burmese", "sw": "Swahili", "am": "Amharic", "ti": "Tigrinya", "ko": "Korean",
        "tl": "Tagalog", "fa": "Persian", "uk": "Ukrainian", "pt": "Portuguese", "de": "German", "hmn": "Hmong",
    ]
}
