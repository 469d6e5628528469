import TrellisCore

/// Finds and ranks the services for one need. Located candidates are read in growing rings of
/// grid cells around the person; the search stops once no service farther out could outscore the
/// results already held (its best possible score is bounded by the distance decay).
struct NeedSearch {
    struct Candidate {
        var position: Int32
        var score: Double
        var distance: Double?
        var crisis: Bool
        var faithBased: Bool
    }

    let need: NeedsProfile.Need
    let person: PersonContext
    let index: DirectoryIndex
    let matcher: Matcher
    let limit: Int

    private(set) var excludedCount = 0
    private var eligible: [Candidate] = []
    private var lastResort: [Candidate] = []
    private var seen = Set<Int32>()
    private let maximumDistance: Double
    private let categories: (regular: [NeedCategory], crisis: [NeedCategory])

    init(need: NeedsProfile.Need, person: PersonContext, index: DirectoryIndex, matcher: Matcher, limit: Int) {
        self.need = need
        self.person = person
        self.index = index
        self.matcher = matcher
        self.limit = limit
        maximumDistance = person.profile.preferences.maxDistanceKm ?? matcher.configuration.defaultMaxDistanceKm
        categories = Self.categories(for: need, configuration: matcher.configuration)
        seen.reserveCapacity(256)
    }

    /// The categories that answer a need: its detail and the general domain (a service that
    /// states only the domain does not restrict the detail), or the whole domain for a need
    /// without a detail; plus, in a crisis, the domain's crisis services whatever the detail.
    static func categories(for need: NeedsProfile.Need, configuration: ScoringConfiguration) -> (regular: [NeedCategory], crisis: [NeedCategory]) {
        let crisis = need.urgency == .crisis
            ? (configuration.crisisDetails[need.domain] ?? []).map { NeedCategory(need.domain, $0) }
            : []
        return ([NeedCategory(need.domain, need.detail), NeedCategory(need.domain)], crisis)
    }

    /// Whether a service with these categories answers the need, and whether as a crisis service.
    /// The one definition the search and `explain` share.
    static func offers(_ categories: [NeedCategory], need: NeedsProfile.Need, configuration: ScoringConfiguration) -> (offers: Bool, crisis: Bool) {
        let crisis = need.urgency == .crisis && categories.contains { configuration.isCrisis($0) && $0.domain == need.domain }
        let regular = need.detail == nil
            ? categories.contains { $0.domain == need.domain }
            : categories.contains(NeedCategory(need.domain, need.detail)) || categories.contains(NeedCategory(need.domain))
        return (crisis || regular, crisis)
    }

    mutating func run() {
        let categoryIndexes = regularIndexes()
        // Crisis services come first whatever their distance: all of them are read.
        for category in categories.crisis {
            guard let ci = index.categories[category] else { continue }
            for list in ci.cells.values { for p in list { consider(p, crisis: true) } }
            for p in ci.unlocated { consider(p, crisis: true) }
        }
        for ci in categoryIndexes {
            for p in ci.unlocated { consider(p, crisis: false) }
            if person.profile.preferences.telehealthOK { for p in ci.virtual { consider(p, crisis: false) } }
        }
        guard let point = person.point, !matcher.exhaustiveSearch else {
            for ci in categoryIndexes { for list in ci.cells.values { for p in list { consider(p, crisis: false) } } }
            return
        }
        searchRings(around: point, in: categoryIndexes)
    }

    private func regularIndexes() -> [DirectoryIndex.CategoryIndex] {
        if need.detail == nil {
            // The whole domain: every category in it.
            return index.categories.filter { $0.key.domain == need.domain }.map(\.value)
        }
        return categories.regular.compactMap { index.categories[$0] }
    }

    private mutating func searchRings(around point: Coordinate, in categoryIndexes: [DirectoryIndex.CategoryIndex]) {
        let cell = DirectoryIndex.cellDegrees
        let lat0 = Int32((point.latitude / cell).rounded(.down))
        let lon0 = Int32((point.longitude / cell).rounded(.down))
        var done: (lat: ClosedRange<Int32>, lon: ClosedRange<Int32>)? = nil
        var radius = max(maximumDistance, 5)
        let totalCells = categoryIndexes.reduce(0) { $0 + $1.cells.count }
        while true {
            let dLat = Int32((radius / 111.0 / cell).rounded(.up)) + 1
            let cosine = max(0.05, cosineOfLatitude(point.latitude))
            let dLon = Int32((radius / (111.0 * cosine) / cell).rounded(.up)) + 1
            let box = (lat: (lat0 - dLat)...(lat0 + dLat), lon: (lon0 - dLon)...(lon0 + dLon))
            let boxCells = Int(box.lat.count) * Int(box.lon.count)
            if boxCells <= totalCells * 2 {
                for la in box.lat {
                    for lo in box.lon {
                        if let done, done.lat.contains(la), done.lon.contains(lo) { continue }
                        let key = DirectoryIndex.cell(latitudeIndex: la, longitudeIndex: lo)
                        for ci in categoryIndexes { for p in ci.cells[key] ?? [] { consider(p, crisis: false) } }
                    }
                }
            } else {
                // The ring is larger than the directory: walk the occupied cells instead.
                for ci in categoryIndexes {
                    for (key, list) in ci.cells {
                        let la = Int32(truncatingIfNeeded: key >> 32), lo = Int32(bitPattern: UInt32(truncatingIfNeeded: key))
                        if let done, done.lat.contains(la), done.lon.contains(lo) { continue }
                        if !box.lat.contains(la) || !box.lon.contains(lo) { continue }
                        for p in list { consider(p, crisis: false) }
                    }
                }
            }
            done = box
            if radius > 20_100 || isSettled(beyond: radius) { return }
            radius *= 2
        }
    }

    /// True when no unread service (all farther than `radius`) could enter the results.
    private func isSettled(beyond radius: Double) -> Bool {
        let nonCrisis = eligible.filter { !$0.crisis }
        guard nonCrisis.count >= limit else { return false }
        let w = matcher.configuration.weights
        let bound = w.maximumWithoutDistance + w.language * (matcher.configuration.interpreterMultiplier - 1)
            + w.distance * ScoreCard.distanceValue(radius, maximum: maximumDistance)
        let top = nonCrisis.sorted(by: Self.ranks).prefix(limit)
        guard let nth = top.last, nth.score > bound else { return false }
        // The secular alternative must be settled too when faith-based results are shown.
        if top.contains(where: \.faithBased), let secular = nonCrisis.first(where: { !$0.faithBased }) {
            let best = nonCrisis.filter { !$0.faithBased }.map(\.score).max() ?? secular.score
            return best > bound
        }
        return true
    }

    private mutating func consider(_ position: Int32, crisis: Bool) {
        guard seen.insert(position).inserted else { return }
        let service = index.services[Int(position)]
        let distance = person.distance(to: service)
        switch EligibilityRules.evaluate(service, for: need, person: person, explain: false) {
        case .excluded:
            excludedCount += 1
        case .lastResort:
            let card = matcher.scoreCard(service, need: need, person: person, distance: distance, crisis: crisis, index: index, explain: false)
            lastResort.append(Candidate(position: position, score: card.score, distance: distance, crisis: crisis, faithBased: service.faithBased))
        case .eligible:
            let card = matcher.scoreCard(service, need: need, person: person, distance: distance, crisis: crisis, index: index, explain: false)
            eligible.append(Candidate(position: position, score: card.score, distance: distance, crisis: crisis, faithBased: service.faithBased))
        }
    }

    /// Crisis services first, then score, then distance (unknown last), then id: deterministic.
    static func ranks(_ a: Candidate, _ b: Candidate) -> Bool {
        if a.crisis != b.crisis { return a.crisis }
        if a.score != b.score { return a.score > b.score }
        let da = a.distance ?? .infinity, db = b.distance ?? .infinity
        if da != db { return da < db }
        return a.position < b.position
    }

    /// The top results, with the secular alternative and Housing First's last resort applied.
    func rankedResults() -> [RankedService] {
        let sorted = eligible.sorted { Self.ranksByID($0, $1, index) }
        var chosen = Array(sorted.prefix(limit))
        var alternative: Int32? = nil
        // Faith-based choices always stand beside a secular alternative, when the directory has one.
        if chosen.contains(where: \.faithBased), !chosen.contains(where: { !$0.faithBased }),
           let secular = sorted.first(where: { !$0.faithBased }) {
            if chosen.count == limit { chosen.removeLast() }
            chosen.append(secular)
            alternative = secular.position
        }
        var results = chosen.map { rank($0, secularAlternative: $0.position == alternative, lastResort: false) }
        // Housing First: sobriety-required housing only when nothing else exists, and last.
        if eligible.isEmpty {
            for candidate in lastResort.sorted(by: { Self.ranksByID($0, $1, index) }).prefix(limit) {
                results.append(rank(candidate, secularAlternative: false, lastResort: true))
            }
        }
        return results
    }

    /// `ranks`, with ties broken by the stable service id rather than the index position.
    static func ranksByID(_ a: Candidate, _ b: Candidate, _ index: DirectoryIndex) -> Bool {
        if a.crisis != b.crisis { return a.crisis }
        if a.score != b.score { return a.score > b.score }
        let da = a.distance ?? .infinity, db = b.distance ?? .infinity
        if da != db { return da < db }
        return index.services[Int(a.position)].id < index.services[Int(b.position)].id
    }

    private func rank(_ c: Candidate, secularAlternative: Bool, lastResort: Bool) -> RankedService {
        let s = index.services[Int(c.position)]
        let card = matcher.scoreCard(s, need: need, person: person, distance: c.distance, crisis: c.crisis, index: index, explain: true)
        var reasons = card.shownReasons
        var warnings = card.warnings
        if case .eligible(let ruleWarnings) = EligibilityRules.evaluate(s, for: need, person: person, explain: true) {
            warnings = ruleWarnings + warnings
        }
        if secularAlternative {
            reasons.insert(MatchReason(code: "secular_alternative", text: "Secular alternative, listed beside the faith-based choices", weight: 0), at: 0)
        }
        if s.attributes.ips && need.domain == .employment && (person.profile.circumstances.activeSubstanceUse || person.profile.circumstances.justiceInvolved) {
            reasons.append(MatchReason(code: "zero_exclusion", text: "IPS zero exclusion: substance use and justice history never exclude", weight: 0))
        }
        if lastResort {
            warnings.insert(MatchWarning(code: "sobriety_required", text: "Requires sobriety: listed only because no other housing fits (Housing First)"), at: 0)
        }
        return RankedService(serviceID: s.id, serviceName: s.name, organizationID: s.organizationID, organization: s.organizationName,
                             score: c.score, distanceKm: c.distance.map(Self.roundKm), faithBased: s.faithBased,
                             reasons: reasons, warnings: warnings)
    }

    static func roundKm(_ km: Double) -> Double { (km * 100).rounded() / 100 }
}

import Foundation

@inline(__always) private func cosineOfLatitude(_ degrees: Double) -> Double { cos(degrees * .pi / 180) }
