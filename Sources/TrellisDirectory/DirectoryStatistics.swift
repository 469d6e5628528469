public import TrellisCore

/// Directory health, gathered while reading: services per need domain and county, records not
/// verified lately, services without capacity data. Keeps one small summary per service, so a
/// directory of any size fits.
public struct DirectoryStatistics: DirectorySink {
    private struct Summary {
        var domains: Set<NeedDomain>
        var county: String
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

    /// County → domain → services. Services with no need domain are counted under no domain.
    public var byCountyAndDomain: [String: [NeedDomain: Int]] {
        var table: [String: [NeedDomain: Int]] = [:]
        for s in summaries.values { for d in s.domains { table[s.county, default: [:]][d, default: 0] += 1 } }
        return table
    }

    public var byCounty: [String: Int] {
        var counts: [String: Int] = [:]
        for s in summaries.values { counts[s.county, default: 0] += 1 }
        return counts
    }

    /// Verified, but longer ago than `staleAfterMonths`.
    public var stale: Int {
        let cutoff = asOf.adding(days: -(staleAfterMonths * 365 / 12))
        return summaries.values.filter { ($0.lastVerified.map { $0 < cutoff }) ?? false }.count
    }

    public var neverVerified: Int { summaries.values.filter { $0.lastVerified == nil }.count }
    public var withoutCapacity: Int { summaries.values.filter { !$0.hasCapacity }.count }
    public var withoutDomain: Int { summaries.values.filter { $0.domains.isEmpty }.count }

    /// "Douglas, NE" from the first location's address, else the first county served, else "unknown".
    static func county(of service: Service) -> String {
        for location in service.locations {
            if let county = location.address?.county {
                return label(county, state: location.address?.state)
            }
        }
        for area in service.areasServed {
            if case .county(let name, let state) = area { return label(name, state: state) }
        }
        return "unknown"
    }

    private static func label(_ county: String, state: String?) -> String {
        let name = county.lowercased().split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
        return state.map { "\(name), \($0.uppercased())" } ?? name
    }
}
