public import TrellisCore

/// Directory health, gathered while reading: services per need domain and county, records not
/// verified lately, services without capacity data. Keeps one small summary per service, so a
/// directory of any size fits.
public struct DirectoryStatistics: DirectorySink {
    private struct Summary {
        var domains: Set<NeedDomain>
        var county: County?
        var lastVerified: CalendarDay?
        var hasCapacity: Bool
    }

    public let asOf: CalendarDay
    /// A record verified longer ago than this is stale.
    public let staleAfterMonths: Int
    private var summaries: [String: Summary] = [:]
    public private(set) var organizations = 0

    public init(asOf: CalendarDay, staleAfterMonths: Int = 12) {
        self.asOf = asOf
        self.staleAfterMonths = staleAfterMonths
    }

    public mutating func add(_ organization: Organization) { organizations += 1 }

    public mutating func add(_ service: Service) {
        summaries[service.id] = Summary(domains: service.domains, county: Self.county(of: service),
                                        lastVerified: service.lastVerified,
                                        hasCapacity: !(service.capacity?.isEmpty ?? true))
    }

    /// Services as stored (no organization records): their organizations are counted from the services.
    public mutating func add(stored services: [Service]) {
        for service in services { add(service) }
        organizations += Set(services.map(\.organizationID)).count
    }

    public var services: Int { summaries.count }

    public var byDomain: [NeedDomain: Int] {
        var counts = Dictionary(uniqueKeysWithValues: NeedDomain.allCases.map { ($0, 0) })
        for s in summaries.values { for d in s.domains { counts[d, default: 0] += 1 } }
        return counts
    }

    /// County → domain → services, counties labelled "Douglas, NE". Services with no need domain are
    /// counted under no domain.
    public var byCountyAndDomain: [String: [NeedDomain: Int]] {
        let labels = countyLabels
        var table: [String: [NeedDomain: Int]] = [:]
        for s in summaries.values { for d in s.domains { table[labels.label(s.county), default: [:]][d, default: 0] += 1 } }
        return table
    }

    /// Services per county, labelled "Douglas, NE" ("unknown" when a service names none).
    public var byCounty: [String: Int] {
        let labels = countyLabels
        var counts: [String: Int] = [:]
        for s in summaries.values { counts[labels.label(s.county), default: 0] += 1 }
        return counts
    }

    private var countyLabels: CountyLabels { CountyLabels(summaries.values.compactMap(\.county)) }

    /// Verified, but longer ago than `staleAfterMonths`.
    public var stale: Int {
        let cutoff = asOf.adding(days: -(staleAfterMonths * 365 / 12))
        return summaries.values.filter { ($0.lastVerified.map { $0 < cutoff }) ?? false }.count
    }

    public var neverVerified: Int { summaries.values.filter { $0.lastVerified == nil }.count }
    public var withoutCapacity: Int { summaries.values.filter { !$0.hasCapacity }.count }
    public var withoutDomain: Int { summaries.values.filter { $0.domains.isEmpty }.count }

    /// The first location's county, else the first county served, else nil.
    static func county(of service: Service) -> County? {
        for location in service.locations {
            if let raw = location.address?.county, let county = County(raw, state: location.address?.state) { return county }
        }
        for area in service.areasServed {
            if case .county(let name, let state) = area, let county = County(name, state: state) { return county }
        }
        return nil
    }
}

/// Labels counties for the tables: a county whose state a record left out is counted with the one
/// county of that name whose state others give ("Douglas" with "Douglas, NE"), so one county is one row.
struct CountyLabels {
    private var stateByName: [String: String?] = [:]

    init(_ counties: some Sequence<County>) {
        for county in counties {
            guard let state = county.state else { continue }
            // Two states share the name: the bare name stays ambiguous.
            if let known = stateByName[county.name], known != state { stateByName[county.name] = .some(nil) } else { stateByName[county.name] = state }
        }
    }

    func label(_ county: County?) -> String {
        guard let county else { return "unknown" }
        if county.state == nil, case let state?? = stateByName[county.name] { return County(name: county.name, state: state).description }
        return county.description
    }
}
