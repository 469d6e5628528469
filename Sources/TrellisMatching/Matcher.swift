public import TrellisCore

/// Ranks the services of an index for each need of a profile, and explains any service's place.
public struct Matcher: Sendable {
    public var configuration: ScoringConfiguration
    public var centroids: PostalCentroids
    /// Details the taxonomy map knows per domain; a need naming another detail is refused.
    public var knownDetails: [NeedDomain: Set<String>]?
    /// "Today" for freshness, fixed per matcher so results are deterministic.
    public var today: CalendarDay
    /// Reads every candidate instead of stopping at the distance bound: the reference the
    /// ring search is checked against.
    public var exhaustiveSearch = false

    public init(configuration: ScoringConfiguration = .standard, centroids: PostalCentroids = .empty,
                knownDetails: [NeedDomain: Set<String>]? = nil, today: CalendarDay) {
        self.configuration = configuration
        self.centroids = centroids
        self.knownDetails = knownDetails
        self.today = today
    }

    public static let defaultLimit = 5

    public func match(_ profile: NeedsProfile, in index: DirectoryIndex, limit: Int = defaultLimit) throws(ProfileError) -> MatchOutcome {
        try validate(profile)
        let person = try PersonContext(profile, centroids: centroids)
        var excluded = 0
        var matches: [NeedMatches] = []
        for need in profile.needs {
            var search = NeedSearch(need: need, person: person, index: index, matcher: self, limit: max(1, limit))
            search.run()
            excluded += search.excludedCount
            matches.append(NeedMatches(need: .init(need), results: search.rankedResults()))
        }
        return MatchOutcome(matches: matches, excluded: excluded)
    }

    /// For each need: the rule that excludes the service, or its full score breakdown. Nil when
    /// the index has no such service.
    public func explain(serviceID: String, for profile: NeedsProfile, in index: DirectoryIndex) throws(ProfileError) -> ServiceExplanation? {
        try validate(profile)
        guard let position = index.positions[serviceID] else { return nil }
        let person = try PersonContext(profile, centroids: centroids)
        let service = index.services[Int(position)]
        let needs = profile.needs.map { need -> ServiceExplanation.ForNeed in
            let (offers, crisis) = NeedSearch.offers(service.categories, need: need, configuration: configuration)
            guard offers else {
                let has = service.categories.map(\.description).joined(separator: ", ")
                return .init(need: .init(need), offersThisNeed: false,
                             excludedBy: MatchReason(code: "not_this_need", text: "Offers \(has.isEmpty ? "no mapped category" : has), not \(need.category)", weight: 0),
                             score: nil, distanceKm: nil, breakdown: [], warnings: [])
            }
            let distance = person.distance(to: service)
            switch EligibilityRules.evaluate(service, for: need, person: person, explain: true) {
            case .excluded(let reason):
                return .init(need: .init(need), offersThisNeed: true, excludedBy: reason, score: nil, distanceKm: distance.map(NeedSearch.roundKm),
                             breakdown: [], warnings: [])
            case .lastResort(let reason):
                let card = scoreCard(service, need: need, person: person, distance: distance, crisis: crisis, index: index, explain: true)
                return .init(need: .init(need), offersThisNeed: true, excludedBy: reason, score: card.score, distanceKm: distance.map(NeedSearch.roundKm),
                             breakdown: card.breakdown, warnings: card.warnings)
            case .eligible(let warnings):
                let card = scoreCard(service, need: need, person: person, distance: distance, crisis: crisis, index: index, explain: true)
                return .init(need: .init(need), offersThisNeed: true, excludedBy: nil, score: card.score, distanceKm: distance.map(NeedSearch.roundKm),
                             breakdown: card.breakdown, warnings: warnings + card.warnings)
            }
        }
        return ServiceExplanation(serviceID: service.id, serviceName: service.name, organization: service.organizationName,
                                  categories: service.categories.map(\.description), needs: needs)
    }

    func scoreCard(_ s: IndexedService, need: NeedsProfile.Need, person: PersonContext, distance: Double?, crisis: Bool,
                   index: DirectoryIndex, explain: Bool) -> ScoreCard {
        ScoreCard(s, need: need, person: person, distance: distance, crisis: crisis, config: configuration,
                  responsiveness: index.responsiveness[s.organizationID], today: today, explain: explain)
    }

    /// Needs must name details the taxonomy map knows, so a typo is an error, not empty results.
    func validate(_ profile: NeedsProfile) throws(ProfileError) {
        guard let knownDetails else { return }
        for (i, need) in profile.needs.enumerated() {
            guard let detail = need.detail else { continue }
            let known = knownDetails[need.domain] ?? []
            if !known.contains(detail) {
                let list = known.sorted().joined(separator: ", ")
                throw ProfileError(field: "needs[\(i)].detail",
                                   message: "\"\(detail)\" is not a detail of \(need.domain.rawValue)" + (list.isEmpty ? " (it has none)" : " (known: \(list))"))
            }
        }
    }
}

extension NeedMatches.NeedSummary {
    init(_ need: NeedsProfile.Need) {
        self.init(domain: need.domain, detail: need.detail, urgency: need.urgency)
    }
}
