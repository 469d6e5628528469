import Foundation
public import TrellisCore

/// The directory as `/v1/services` searches it: a small entry per service (names, codes, domains,
/// points) so 100,000 services fit in a few tens of MB; full records come from the store per page.
/// Built with the matching index from the same stored directory and swapped with it.
public struct ServiceCatalog: Sendable {
    /// The texts are the service's own strings, shared with the matching index rather than copied;
    /// a search lower-cases as it compares instead of keeping a lower-case copy of each (20 MB at
    /// 100,000 services).
    struct Entry: Sendable {
        var id: String
        var name: String
        var organizationID: String
        var organizationName: String
        var taxonomyCodes: [String]
        var categories: [NeedCategory]
        var points: [Coordinate]

        /// Whether the lower-case `needle` is in its name, organization, categories or codes.
        func mentions(_ needle: String) -> Bool {
            SearchText.contains(name, needle) || SearchText.contains(organizationName, needle) || SearchText.contains(organizationID, needle)
                || categories.contains { SearchText.contains($0.description, needle) } || taxonomyCodes.contains { SearchText.contains($0, needle) }
        }
    }

    /// In the order the directory was read; `byName` and `byID` order them without moving them.
    private let entries: [Entry]
    /// Positions in `entries` by name (then id), the order lists show.
    private let byName: [Int32]
    /// Positions in `entries` by id, for finding a name by id without a dictionary of every id.
    private let byID: [Int32]
    /// Organization id to name, so pages name the agency a referral went to.
    let organizationNames: [String: String]
    public let health: DirectoryHealth

    public init(services: [Service], today: CalendarDay) {
        var builder = Builder(today: today)
        for service in services { builder.add(service) }
        self = builder.build()
    }

    fileprivate init(entries: [Entry], organizationNames: [String: String], health: DirectoryHealth) {
        self.entries = entries
        let positions = 0..<Int32(entries.count)
        byName = positions.sorted { (entries[Int($0)].name, entries[Int($0)].id) < (entries[Int($1)].name, entries[Int($1)].id) }
        byID = positions.sorted { entries[Int($0)].id < entries[Int($1)].id }
        self.organizationNames = organizationNames
        self.health = health
    }

    /// Takes the directory one service at a time (read page by page from the store), keeping a small
    /// entry of each, so the full records are never held together.
    public struct Builder: Sendable {
        private var entries: [Entry] = []
        private var positions: [String: Int] = [:]
        private var organizationNames: [String: String] = [:]
        private var health: DirectoryHealth.Builder

        public init(today: CalendarDay) { health = DirectoryHealth.Builder(today: today) }

        /// Adds `service`; a later copy of an id replaces an earlier one.
        public mutating func add(_ s: Service) {
            let entry = Entry(id: s.id, name: s.name, organizationID: s.organizationID, organizationName: s.organizationName,
                              taxonomyCodes: s.taxonomyCodes, categories: s.categories, points: s.locations.compactMap(\.coordinate))
            if organizationNames[s.organizationID] == nil, let name = s.organizationName.nonBlank { organizationNames[s.organizationID] = name }
            if let position = positions[s.id] {
                entries[position] = entry
            } else {
                positions[s.id] = entries.count
                entries.append(entry)
                health.add(s) // a repeated id counts once, as it has one entry
            }
        }

        /// The catalog; the builder is used up (its id table is dropped before the catalog's orders
        /// are made, and the entries are kept where they lie rather than sorted into a copy).
        public consuming func build() -> ServiceCatalog {
            positions = [:]
            let entries = self.entries
            self.entries = []
            return ServiceCatalog(entries: entries, organizationNames: organizationNames, health: health.build())
        }
    }

    public var count: Int { entries.count }

    /// A service's name, for pages that show referrals by service.
    func name(of id: String) -> String? {
        var low = 0, high = byID.count
        while low < high {
            let middle = (low + high) / 2
            let entry = entries[Int(byID[middle])]
            if entry.id == id { return entry.name }
            if entry.id < id { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// An organization's name, for pages that show referrals by agency.
    func organizationName(of id: String) -> String? { organizationNames[id] }

    /// Ids matching `query`, in order (nearest first with `near`, else by name), with the total.
    func search(_ query: ServiceQuery) -> (ids: [String], distances: [String: Double], total: Int) {
        var hits: [(entry: Entry, distance: Double?)] = []
        let needle = query.search?.lowercased()
        for position in byName {
            let entry = entries[Int(position)]
            if let needle, !entry.mentions(needle) { continue }
            if let domain = query.domain, !entry.categories.contains(where: { $0.domain == domain }) { continue }
            if let taxonomy = query.taxonomy,
               !entry.taxonomyCodes.contains(where: { $0.hasPrefix(taxonomy) }) && !entry.categories.contains(where: { $0.detail == taxonomy }) { continue }
            var distance: Double?
            if let near = query.near {
                guard let closest = entry.points.map({ $0.distanceKilometres(to: near) }).min(), closest <= query.radiusKm else { continue }
                distance = closest
            }
            hits.append((entry, distance))
        }
        if query.near != nil { hits.sort { ($0.distance ?? 0, $0.entry.id) < ($1.distance ?? 0, $1.entry.id) } }
        let page = hits.dropFirst((query.page - 1) * query.perPage).prefix(query.perPage)
        var distances: [String: Double] = [:]
        for hit in page { distances[hit.entry.id] = hit.distance }
        return (page.map(\.entry.id), distances, hits.count)
    }
}

/// What a supervisor should chase in the directory: records nobody has verified in a year, and
/// services that publish no capacity (so case workers cannot tell whether there is room).
public struct DirectoryHealth: Sendable, Encodable {
    public struct Item: Sendable, Encodable {
        public var serviceID: String
        public var name: String
        public var lastVerified: String?

        enum CodingKeys: String, CodingKey { case name, serviceID = "service_id", lastVerified = "last_verified" }
    }

    public var services = 0
    public var stale = 0
    public var withoutCapacity = 0
    public var staleExamples: [Item] = []
    public var withoutCapacityExamples: [Item] = []
    static let staleAfterDays = 365
    static let examples = 20

    /// Counts services as they come and keeps the examples with the smallest ids, so the same
    /// directory gives the same examples in whatever order it is read.
    struct Builder: Sendable {
        let today: CalendarDay
        private var health = DirectoryHealth()

        init(today: CalendarDay) { self.today = today }

        mutating func add(_ service: Service) {
            health.services += 1
            let item = Item(serviceID: service.id, name: service.name, lastVerified: service.lastVerified?.description)
            if service.lastVerified.map({ today.daysSinceEpoch - $0.daysSinceEpoch > DirectoryHealth.staleAfterDays }) ?? true {
                health.stale += 1
                Self.keepSmallest(item, in: &health.staleExamples)
            }
            if service.capacity == nil {
                health.withoutCapacity += 1
                Self.keepSmallest(item, in: &health.withoutCapacityExamples)
            }
        }

        func build() -> DirectoryHealth {
            var result = health
            result.staleExamples = Array(result.staleExamples.sorted { $0.serviceID < $1.serviceID }.prefix(DirectoryHealth.examples))
            result.withoutCapacityExamples = Array(result.withoutCapacityExamples.sorted { $0.serviceID < $1.serviceID }.prefix(DirectoryHealth.examples))
            return result
        }

        private static func keepSmallest(_ item: Item, in examples: inout [Item]) {
            examples.append(item)
            if examples.count >= 4 * DirectoryHealth.examples {
                examples = Array(examples.sorted { $0.serviceID < $1.serviceID }.prefix(DirectoryHealth.examples))
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case services, stale
        case withoutCapacity = "without_capacity", staleExamples = "stale_examples", withoutCapacityExamples = "without_capacity_examples"
    }
}
