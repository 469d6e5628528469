import Foundation
import TrellisCore

/// The hard rules. A service that breaks one is excluded for the need, and the rule says why.
enum EligibilityRules {
    /// The outcome of the rules for one service and one need.
    enum Verdict {
        case eligible(warnings: [MatchWarning])
        /// Housing that requires sobriety, for a person in active use: offered only when nothing
        /// else exists, and then last (Housing First).
        case lastResort(MatchReason)
        case excluded(MatchReason)
    }

    static func evaluate(_ s: IndexedService, for need: NeedsProfile.Need, person: PersonContext, explain: Bool) -> Verdict {
        let profile = person.profile
        var warnings: [MatchWarning] = []

        if !s.active {
            return .excluded(rule("inactive", "The directory lists this service as not active", explain))
        }
        if !s.availableForReferral {
            return .excluded(rule("not_available_for_referral", "The agency does not take referrals for this service", explain))
        }
        // An access need the site is known not to meet: the person could not use it.
        if let lacking = profile.preferences.accessibility.first(where: s.accessLacking.contains) {
            return .excluded(rule("accessibility_not_met", "The directory states it lacks \(lacking.title), which the person needs", explain))
        }
        // Faith-based services only on opt-in; a need in the faith domain is itself an opt-in.
        if s.faithBased && profile.preferences.faithBased != .optIn && need.domain != .faith {
            return .excluded(rule("faith_not_opted_in", "Faith-based service; the person has not opted in to faith-based services", explain))
        }
        if let age = profile.person.age {
            if let minimum = s.eligibility.minimumAge, age < minimum {
                return .excluded(rule("age_below_minimum", "Serves ages \(ageRange(s)); the person is \(age)", explain))
            }
            if let maximum = s.eligibility.maximumAge, age > maximum {
                return .excluded(rule("age_above_maximum", "Serves ages \(ageRange(s)); the person is \(age)", explain))
            }
        } else if s.eligibility.minimumAge != nil || s.eligibility.maximumAge != nil {
            if explain { warnings.append(MatchWarning(code: "age_unchecked", text: "Serves ages \(ageRange(s)); the profile gives no age")) }
        }
        if !s.eligibility.genders.isEmpty {
            let served = s.eligibility.genders.map(\.rawValue).sorted().joined(separator: ", ")
            if let gender = profile.person.gender {
                if !s.eligibility.genders.contains(gender) {
                    return .excluded(rule("gender_not_served", "Serves \(served) only", explain))
                }
            } else {
                if explain { warnings.append(MatchWarning(code: "gender_unchecked", text: "Serves \(served) only; the profile gives no gender")) }
            }
        }
        if s.veteransOnly && profile.person.veteran != true {
            return .excluded(rule("veterans_only", "Serves veterans only", explain))
        }
        switch areaCheck(s, person: person, explain: explain) {
        case .outside(let areas):
            return .excluded(rule("outside_area_served", "Serves \(areas) only; the person lives outside it", explain))
        case .unknown(let areas):
            if explain { warnings.append(MatchWarning(code: "area_unchecked", text: "Serves \(areas); check the person lives there")) }
        case .inside:
            break
        }
        if let limit = s.eligibility.monthlyIncomeLimit, let income = profile.person.monthlyIncome, income > limit {
            return .excluded(rule("income_over_limit", "Income limit $\(dollars(limit)) a month; the person's income is $\(dollars(income))", explain))
        }
        switch paymentAccepted(s, person: person) {
        case false?:
            return .excluded(rule("payment_not_accepted", "Accepts \(s.eligibility.paymentAccepted.joined(separator: ", ")); none of the person's coverage", explain))
        case nil:
            if explain { warnings.append(MatchWarning(code: "payment_unchecked", text: "Accepts \(s.eligibility.paymentAccepted.joined(separator: ", ")); the profile lists no coverage")) }
        case true?:
            break
        }

        let circumstances = profile.circumstances
        // IPS zero exclusion: diagnosis, substance use or justice history never keeps a person out.
        let zeroExclusion = need.domain == .employment && s.attributes.ips
        if !zeroExclusion {
            if s.criminalRecordScreen && circumstances.justiceInvolved {
                return .excluded(rule("criminal_record_screen", "Screens out applicants with a criminal record", explain))
            }
            if s.requiresSobriety && circumstances.activeSubstanceUse {
                if need.domain == .housing {
                    return .lastResort(rule("sobriety_required_housing", "Requires sobriety; the person is in active use (Housing First: offered only when nothing else exists)", explain))
                }
                return .excluded(rule("sobriety_required", "Requires sobriety; the person is in active use", explain))
            }
        }
        return .eligible(warnings: warnings)
    }

    /// Texts are built only when someone will read them: the ranking pass needs codes alone.
    /// Whole dollars; a sum too large for a whole number (from a request or a directory) is written
    /// in exponent form instead of trapping.
    static func dollars(_ amount: Double) -> String {
        amount < 1e15 ? String(Int(amount)) : String(format: "%.3g", amount)
    }

    private static func rule(_ code: String, _ text: @autoclosure () -> String, _ explain: Bool) -> MatchReason {
        MatchReason(code: code, text: explain ? text() : "", weight: 0)
    }

    private static func ageRange(_ s: IndexedService) -> String {
        switch (s.eligibility.minimumAge, s.eligibility.maximumAge) {
        case let (min?, max?): "\(min)–\(max)"
        case let (min?, nil): "\(min) and over"
        case let (nil, max?): "up to \(max)"
        case (nil, nil): "of any age"
        }
    }

    enum AreaCheck {
        case inside
        case outside(String)
        /// The service names places the profile cannot be compared with (a city, with no city given).
        case unknown(String)
    }

    static func areaCheck(_ s: IndexedService, person: PersonContext, explain: Bool = true) -> AreaCheck {
        guard !s.areas.isEmpty else { return .inside }
        var undetermined = false
        for area in s.areas {
            switch contains(area, person: person) {
            case true?: return .inside
            case nil: undetermined = true
            case false?: break
            }
        }
        let names = explain ? s.areas.prefix(4).map(describe).joined(separator: ", ") + (s.areas.count > 4 ? "…" : "") : ""
        return undetermined ? .unknown(names) : .outside(names)
    }

    /// True inside, false outside, nil when the profile does not say.
    static func contains(_ area: ServiceArea, person: PersonContext) -> Bool? {
        switch area {
        case .anywhere:
            return true
        // Areas arrive normalised by the index (IndexedService.normalised).
        case .postalCode(let code):
            if let mine = person.postalCode { return mine == code }
            // Without the person's ZIP, a ZIP in another state still cannot be theirs.
            if let state = person.state, let zipState = USPostalCode.state(forZIP: code), zipState != state { return false }
            return nil
        case .city(let city, let state):
            if let personState = person.state, let state, personState != state { return false }
            return person.city.map { $0 == city }
        case .county(let county, let state):
            if let personState = person.state, let state, personState != state { return false }
            return person.county.map { $0.isSame(as: County(name: county, state: state)) }
        case .state(let state):
            return person.state.map { $0 == state }
        case .country(let country):
            return ["us", "usa", "united states", "united states of america"].contains(country)
        case .radius(let center, let kilometres):
            return person.point.map { $0.distanceKilometres(to: center) <= kilometres }
        }
    }

    static func describe(_ area: ServiceArea) -> String {
        switch area {
        case .anywhere: "anywhere"
        case .postalCode(let c): "ZIP \(c)"
        case .city(let c, let s): s.map { "\(c), \($0)" } ?? c
        case .county(let c, let s): "\(c) County" + (s.map { ", \($0)" } ?? "")
        case .state(let s): s
        case .country(let c): c
        case .radius(_, let km): "within \(Int(km)) km"
        }
    }

    /// Payment rules bite only when every method the service lists is an insurance type and the
    /// person has none of them; nil when the profile lists no coverage to compare.
    static func paymentAccepted(_ s: IndexedService, person: PersonContext) -> Bool? {
        let methods = s.eligibility.paymentAccepted
        guard !methods.isEmpty, !s.paymentOpen else { return true }
        if person.insurance.isEmpty { return nil }
        return methods.contains { method in person.insurance.contains { method.containsBytes($0) || $0.containsBytes(method) } }
    }
}
