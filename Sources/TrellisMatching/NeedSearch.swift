import HeapModule
import TrellisCore

/// Finds and ranks the services for one need, best first: blocks of services (grid cells, chunks
/// of telehealth and unlocated services) are read in order of the most any of their services could
/// score, and the search stops once no unread block could reach the results (branch and bound).
struct NeedSearch {
    struct Candidate {
        var position: Int32
        /// The service's place in id order: the last tie-break.
        var order: Int32
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
    /// The best candidates of the current pass so far, in rank order (at most `limit`).
    private var top: [Candidate] = []
    private var bestSecular: Double?
    /// The best Housing First last resorts so far (shown only if nothing eligible exists).
    private var topLastResort: [Candidate] = []
    /// Housing for a person in active use: sobriety-requiring services can only be last resorts.
    private let lastResortsPossible: Bool
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
        lastResortsPossible = need.domain == .housing && person.profile.circumstances.activeSubstanceUse
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
        // Crisis services come first whatever their distance: a pass of their own, best first.
        if !categories.crisis.isEmpty {
            let crisisIndexes = categories.crisis.compactMap { index.categories[$0] }
            search(crisisIndexes, crisis: true, penalties: crisisIndexes.map { _ in 0 })
            top.removeAll()
            topLastResort.removeAll()
        }
        let regular = regularIndexes()
        search(regular.map(\.index), crisis: false, penalties: regular.map(\.penalty))
    }

    /// A block or region waiting to be read. The heap's largest is read next: highest bound; on a
    /// tie a region first (its cells may tie too, and must come back in their own order); then the
    /// block's content (`tieBreak`), then the order the blocks are listed in. So the same directory
    /// is always searched in the same order, and in the same order as if every cell were queued
    /// alone: a region's bound is at least each of its cells' bounds.
    struct Queued: Comparable {
        var bound: Double
        /// A block's own bound under this query; `bound` less this is its best distance value.
        var ownBound: Double
        var isRegion: Bool
        var tieBreak: String
        var category: Int32
        /// The block's or the region's position in its category index.
        var position: Int32

        static func < (a: Queued, b: Queued) -> Bool {
            if a.bound != b.bound { return a.bound < b.bound }
            if a.isRegion != b.isRegion { return b.isRegion }
            if a.tieBreak != b.tieBreak { return a.tieBreak > b.tieBreak }
            if a.category != b.category { return a.category > b.category }
            return a.position > b.position
        }
    }

    /// Reads blocks best bound first; stops once no unread block could reach the results. Cell
    /// blocks wait inside their region until the region could reach the results, and everything
    /// waits in a heap: a search reads a few of hundreds of blocks (thousands in a national
    /// directory), so valuing and sorting them all was most of a match.
    /// `penalties[c]` is taken off every bound in `indexes[c]`: what each of its services loses for
    /// offering only the need's domain in general (a service that also offers the detail is in the
    /// detail's index too, at its full bound).
    private mutating func search(_ indexes: [DirectoryIndex.CategoryIndex], crisis: Bool, penalties: [Double]) {
        let config = matcher.configuration
        let query = BoundQuery(config: config, need: need, profile: person.profile, today: matcher.today)
        let telehealth = person.profile.preferences.telehealthOK
        let distanceWeight = config.weights.distance
        let pruning = !matcher.exhaustiveSearch
        let personState = person.state
        var queue = Heap<Queued>()

        /// Queues one block at its bound (nothing when it cannot apply to this person at all).
        func enqueue(_ blocks: UnsafeBufferPointer<DirectoryIndex.Block>, _ b: Int, category c: Int, into queue: inout Heap<Queued>) {
            // Another state's chunk: the area rule would exclude every service in it.
            if let personState, pruning, let confined = blocks[b].confinedState, confined != personState { return }
            let distanceValue: Double
            switch blocks[b].place {
            case .virtual:
                guard telehealth else { return }
                distanceValue = 1
            case .unlocated:
                distanceValue = 0.5
            case .cell(let la, let lo):
                distanceValue = person.point.map { ScoreCard.distanceValue(GridDistance.toCell(from: $0, la, lo), maximum: maximumDistance) } ?? 0.5
            }
            let own = blocks[b].bound.value(query) - penalties[c]
            queue.insert(Queued(bound: own + distanceWeight * distanceValue, ownBound: own, isRegion: false, tieBreak: blocks[b].tieBreak,
                                category: Int32(c), position: Int32(b)))
        }

        for c in indexes.indices {
            // Read in place, field by field: copying each block out (its member list and texts
            // retained and released) was an eighth of a match.
            indexes[c].blocks.withUnsafeBufferPointer { blocks in
                for b in indexes[c].looseBlocks { enqueue(blocks, Int(b), category: c, into: &queue) }
            }
            indexes[c].regions.withUnsafeBufferPointer { regions in
                for r in regions.indices {
                    let distanceValue = person.point.map {
                        ScoreCard.distanceValue(GridDistance.atLeast(from: $0, toExtent: regions[r].extent), maximum: maximumDistance)
                    } ?? 0.5
                    queue.insert(Queued(bound: regions[r].bound.value(query) - penalties[c] + distanceWeight * distanceValue, ownBound: 0, isRegion: true,
                                        tieBreak: "", category: Int32(c), position: Int32(r)))
                }
            }
        }
        while let entry = queue.popMax() {
            // Scores are rounded to 4 places; the margin keeps a tie from being skipped.
            let reach = entry.bound + 1e-3
            if pruning && reach < threshold && reach < secularThreshold { break }
            let category = Int(entry.category)
            if entry.isRegion {
                indexes[category].blocks.withUnsafeBufferPointer { blocks in
                    indexes[category].regions.withUnsafeBufferPointer { regions in
                        for b in regions[Int(entry.position)].blocks { enqueue(blocks, Int(b), category: category, into: &queue) }
                    }
                }
                continue
            }
            let (allFaithBased, allRequireSobriety) = indexes[category].blocks.withUnsafeBufferPointer { blocks in
                (blocks[Int(entry.position)].allFaithBased, blocks[Int(entry.position)].allRequireSobriety)
            }
            if pruning && reach < threshold && (allFaithBased || reach < secularThreshold) { continue }
            if pruning && lastResortsPossible && allRequireSobriety && reach < lastResortThreshold { continue }
            // The block's best distance value, recovered from its bound: valid for each of its services.
            let blockDistance = entry.bound - entry.ownBound
            let members = indexes[category].blocks[Int(entry.position)].services
            let penalty = penalties[category]
            for p in members {
                if pruning {
                    let flags = index.pruningFlags[Int(p)]
                    let own = index.bounds[Int(p)].value(query) - penalty + blockDistance
                    // A telehealth service may score distance 1 when the person accepts telehealth.
                    let extra = telehealth && flags.contains(.virtual) ? distanceWeight - blockDistance : 0
                    let best = own + max(0, extra) + 1e-3
                    if best < threshold && (flags.contains(.faithBased) || best < secularThreshold) { continue }
                    if lastResortsPossible && flags.contains(.requiresSobriety) && best < lastResortThreshold { continue }
                    // At best a tie with the last of full results, and losing it: it cannot enter them
                    // (where a secular alternative is still wanted, every secular service is read).
                    if let last = lastOfFullResults, flags.contains(.faithBased) || secularThreshold == .infinity,
                       Self.highestRoundedScore(own + max(0, extra)) <= last.score, !winsTie(p, against: last) { continue }
                }
                consider(p, crisis: crisis)
            }
        }
    }

    /// The need's category indexes, in category order (a dictionary's order differs per process), each
    /// with what its services lose on scoring for the category alone: for a need with a detail, the
    /// domain's general services are scored less the general-service penalty.
    private func regularIndexes() -> [(index: DirectoryIndex.CategoryIndex, penalty: Double)] {
        if need.detail == nil {
            // The whole domain: every category in it.
            return index.categories.filter { $0.key.domain == need.domain }.sorted { $0.key < $1.key }.map { ($0.value, 0) }
        }
        let general = NeedCategory(need.domain)
        return categories.regular.compactMap { category in
            index.categories[category].map { ($0, category == general ? matcher.configuration.generalServicePenalty : 0) }
        }
    }

    /// No unread service scoring below this can change the results: the N-th best score, or,
    /// when the results so far are all faith-based, the best secular alternative's.
    /// Sobriety-requiring housing below this cannot be shown: once anything eligible exists, none
    /// can; until then, only the best `limit` of them.
    private var lastResortThreshold: Double {
        if !top.isEmpty { return .infinity }
        guard topLastResort.count >= limit, let nth = topLastResort.last else { return -.infinity }
        return nth.score
    }

    /// The last of the results so far when they are full: a service must outrank it to enter.
    private var lastOfFullResults: Candidate? { top.count >= limit ? top.last : nil }

    /// The highest score a service bounded by `bound` can be given. Scores are rounded to 4 places,
    /// to nearest, and rounding never lowers a larger number below a smaller one's: the bound rounded
    /// the same way (past any difference in how the two sums were added up) is the most it can get.
    static func highestRoundedScore(_ bound: Double) -> Double {
        ((bound + 1e-9) * 10_000).rounded() / 10_000
    }

    /// Whether the service at `position`, scoring as much as `last`, would rank before it: nearer,
    /// or as near and first by id. The many telehealth services of a national directory tie at the
    /// top; only those that could win the tie are read.
    private func winsTie(_ position: Int32, against last: Candidate) -> Bool {
        let distance = person.distance(to: index.services[Int(position)]) ?? .infinity
        let lastDistance = last.distance ?? .infinity
        if distance != lastDistance { return distance < lastDistance }
        return index.idOrder[Int(position)] < last.order
    }

    /// A service scoring below this cannot enter the results: the N-th best score so far.
    private var threshold: Double {
        guard top.count >= limit, let nth = top.last else { return -.infinity }
        return nth.score
    }

    /// While the results are all faith-based, a secular service above this would still be listed
    /// beside them (the best secular alternative so far); otherwise none is needed.
    private var secularThreshold: Double {
        guard top.count >= limit, let nth = top.last, !nth.crisis, top.allSatisfy(\.faithBased) else { return .infinity }
        return bestSecular ?? -.infinity
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
            let candidate = Candidate(position: position, order: index.idOrder[Int(position)], score: card.score, distance: distance,
                                      crisis: crisis, faithBased: service.faithBased)
            lastResort.append(candidate)
            Self.keep(candidate, in: &topLastResort, limit: limit)
        case .eligible:
            let card = matcher.scoreCard(service, need: need, person: person, distance: distance, crisis: crisis, index: index, explain: false)
            let candidate = Candidate(position: position, order: index.idOrder[Int(position)], score: card.score, distance: distance,
                                      crisis: crisis, faithBased: service.faithBased)
            eligible.append(candidate)
            if !crisis, !candidate.faithBased { bestSecular = max(bestSecular ?? -.infinity, candidate.score) }
            Self.keep(candidate, in: &top, limit: limit)
        }
    }

    /// Inserts a candidate into a best-first list of at most `limit`.
    static func keep(_ candidate: Candidate, in list: inout [Candidate], limit: Int) {
        guard list.count < limit || ranks(candidate, list[list.count - 1]) else { return }
        let at = list.firstIndex { ranks(candidate, $0) } ?? list.count
        list.insert(candidate, at: at)
        if list.count > limit { list.removeLast() }
    }

    /// Crisis services first, then score, then distance (unknown last), then id: deterministic, and
    /// the order of the results themselves, so the search's best-so-far are the results so far.
    static func ranks(_ a: Candidate, _ b: Candidate) -> Bool {
        if a.crisis != b.crisis { return a.crisis }
        if a.score != b.score { return a.score > b.score }
        let da = a.distance ?? .infinity, db = b.distance ?? .infinity
        if da != db { return da < db }
        return a.order < b.order
    }

    /// The top results, with the secular alternative and Housing First's last resort applied.
    func rankedResults() -> [RankedService] {
        let sorted = eligible.sorted(by: Self.ranks)
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
            for candidate in lastResort.sorted(by: Self.ranks).prefix(limit) {
                results.append(rank(candidate, secularAlternative: false, lastResort: true))
            }
        }
        return results
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

