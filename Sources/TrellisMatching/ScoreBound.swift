import TrellisCore

/// What a service (or, merged, a block of services) offers each non-distance factor at best.
/// Combined with a profile (`BoundQuery`) it bounds every score there, so a search can skip a
/// service or a block whose bound, plus the best distance value it could have, cannot reach the
/// results. Parts are kept raw so the bound is as tight as the profile allows.
struct ScoreBound: Sendable {
    var capacity = -Double.infinity
    var languages = -Double.infinity
    var peerRun = -Double.infinity
    var faithTradition = -Double.infinity
    var ipsFidelity = -Double.infinity
    var housingFirst = -Double.infinity
    var traumaInformed = -Double.infinity
    /// 1 when the service states any access feature (it can meet some of a person's needs), else 0.
    var accessibility = -Double.infinity
    /// The most recent verification (days since 1970); `Int.min` when never verified.
    var verifiedDay = Int.min
    var responsiveness = 0.0

    init() {}

    /// A single service's parts (responsiveness comes from the index).
    init(capacity c: Capacity?, languages: [String], attributes: ProgramAttributes, faithBased: Bool, lastVerified: CalendarDay?,
         traumaInformed: Bool, statesAccess: Bool) {
        self.traumaInformed = traumaInformed ? 1 : 0
        accessibility = statesAccess ? 1 : 0
        // A dated report may have gone stale by the time of a match, and then counts as unknown (0).
        capacity = c?.updated == nil ? ScoreCard.capacityValue(c) : max(ScoreCard.capacityValue(c), 0)
        self.languages = languages.isEmpty ? 0 : 1
        peerRun = attributes.peerRun ? 1 : 0
        faithTradition = faithBased && attributes.faithTradition != nil ? 1 : 0
        ipsFidelity = ScoreCard.fidelityValue(attributes, domain: .employment, priority: false)
        housingFirst = attributes.housingFirst ? 1 : 0
        verifiedDay = lastVerified?.daysSinceEpoch ?? Int.min
    }

    static func responsivenessValue(_ r: Responsiveness?) -> Double {
        r.map { $0.referrals > 0 ? 0.5 * ($0.acceptanceRate * 2 - 1) + 0.5 : 0 } ?? 0
    }

    mutating func include(_ o: ScoreBound) {
        capacity = max(capacity, o.capacity)
        languages = max(languages, o.languages)
        peerRun = max(peerRun, o.peerRun)
        faithTradition = max(faithTradition, o.faithTradition)
        ipsFidelity = max(ipsFidelity, o.ipsFidelity)
        housingFirst = max(housingFirst, o.housingFirst)
        traumaInformed = max(traumaInformed, o.traumaInformed)
        accessibility = max(accessibility, o.accessibility)
        verifiedDay = max(verifiedDay, o.verifiedDay)
        responsiveness = max(responsiveness, o.responsiveness)
    }

    func with(responsiveness value: Double) -> ScoreBound {
        var copy = self
        copy.responsiveness = value
        return copy
    }

    @inline(__always)
    func value(_ q: BoundQuery) -> Double {
        var v = q.capacity * capacity + q.language * languages + q.peerRun * peerRun + q.faithTradition * faithTradition
            + q.ips * ipsFidelity + q.housingFirst * housingFirst + q.responsiveness * responsiveness
            + q.traumaInformed * traumaInformed + q.accessibility * accessibility
        // Freshness falls with age, so the most recent verification bounds the block.
        if verifiedDay == Int.min {
            v -= q.freshness
        } else {
            let months = (q.today - verifiedDay) / 30
            v += months <= q.freshWithinMonths ? q.freshness : months <= q.staleAfterMonths ? 0 : -q.freshness
        }
        return v
    }
}

/// The weights a bound is taken under for one need of one profile: a factor the profile cannot
/// earn (peer-run when not preferred, the interpreter bonus when none is needed) weighs nothing.
struct BoundQuery {
    var capacity: Double
    var language: Double
    var peerRun: Double
    var faithTradition: Double
    var ips: Double
    var housingFirst: Double
    var traumaInformed: Double
    var accessibility: Double
    var freshness: Double
    var responsiveness: Double
    var today: Int
    var freshWithinMonths: Int
    var staleAfterMonths: Int

    init(config: ScoringConfiguration, need: NeedsProfile.Need, profile: NeedsProfile, today: CalendarDay) {
        let w = config.weights
        capacity = w.capacity
        // A match is worth the multiplier with an interpreter needed, else 1 (a partial match less).
        language = w.language * (profile.person.interpreterNeeded ? max(1, config.interpreterMultiplier) : 1)
        peerRun = profile.preferences.peerRunPreferred ? w.preferences : 0
        faithTradition = profile.preferences.faithTradition != nil ? w.preferences : 0
        ips = need.domain == .employment ? w.fidelity : 0
        let priority = profile.circumstances.chronicallyHomeless || profile.circumstances.activeSubstanceUse
        housingFirst = need.domain == .housing ? w.fidelity * (priority ? 2 : 1) : 0
        traumaInformed = profile.preferences.traumaInformed ? w.preferences : 0
        accessibility = profile.preferences.accessibility.isEmpty ? 0 : w.accessibility
        freshness = w.freshness
        responsiveness = w.responsiveness
        self.today = today.daysSinceEpoch
        freshWithinMonths = config.freshWithinMonths
        staleAfterMonths = config.staleAfterMonths
    }
}
