public import TrellisCore

/// Merges what several files hold into one directory: a record is identified by its source and its
/// own key, and a later file's copy of a record replaces the earlier one.
public struct DirectoryImport: DirectorySink, Sendable {
    /// Keep every service (for matching, storage); otherwise only counts and ids are kept, so a
    /// directory of any size is imported in bounded memory.
    public let keepsServices: Bool
    public private(set) var services: [String: Service] = [:]
    /// Kept with the services only: a national directory has hundreds of thousands of agencies.
    public private(set) var organizations: [String: Organization] = [:]
    /// The need domains of each service (enough for counts when services are not kept), as a bit per
    /// domain, by a 128-bit digest of its id: a set per service made a million-service import hold
    /// 550 MB, the ids themselves another 100 MB.
    private var domainsByService: [ServiceIDDigest: CaseBits<NeedDomain>] = [:]
    public private(set) var duplicates = 0

    public init(keepsServices: Bool) {
        self.keepsServices = keepsServices
    }

    public mutating func add(_ organization: Organization) {
        if keepsServices { organizations[organization.id] = organization }
    }

    public mutating func add(_ service: Service) {
        if domainsByService.updateValue(CaseBits(service.categories.lazy.map(\.domain)), forKey: ServiceIDDigest(service.id)) != nil { duplicates += 1 }
        if keepsServices { services[service.id] = service }
    }

    public var serviceCount: Int { domainsByService.count }

    /// Distinct services per need domain (a service in two domains counts in both).
    public var domainCounts: [NeedDomain: Int] {
        var counts: [NeedDomain: Int] = [:]
        for domain in NeedDomain.allCases { counts[domain] = 0 }
        for domains in domainsByService.values {
            for domain in NeedDomain.allCases where domains.contains(domain) { counts[domain, default: 0] += 1 }
        }
        return counts
    }

    /// Services sorted by id, for deterministic output.
    public var sortedServices: [Service] { services.values.sorted { $0.id < $1.id } }

    /// The services sorted by id, handed over: the import keeps its counts but no longer holds the
    /// records, so storing a large directory does not hold them twice.
    public mutating func takeSortedServices() -> [Service] {
        let sorted = sortedServices
        services = [:]
        return sorted
    }
}


/// 128 bits standing for a service id, for telling ids apart without keeping them: two distinct ids
/// of a million share a digest with a chance of about 10⁻²⁷ (two SipHash values, keyed per process,
/// of the id under two different prefixes).
struct ServiceIDDigest: Hashable, Sendable {
    let high: UInt64
    let low: UInt64

    init(_ id: String) {
        var first = Hasher()
        first.combine(UInt8(1))
        first.combine(id)
        var second = Hasher()
        second.combine(UInt8(2))
        second.combine(id)
        high = UInt64(bitPattern: Int64(first.finalize()))
        low = UInt64(bitPattern: Int64(second.finalize()))
    }
}
