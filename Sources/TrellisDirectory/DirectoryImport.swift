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
    /// How many copies the files hold of each id read more than once (few: a merge's duplicates), so a
    /// second reading can pass on only the copy that counts (`LastCopies`).
    private var copies: [ServiceIDDigest: Int] = [:]

    public init(keepsServices: Bool) {
        self.keepsServices = keepsServices
    }

    public mutating func add(_ organization: Organization) {
        if keepsServices { organizations[organization.id] = organization }
    }

    public mutating func add(_ service: Service) {
        let digest = ServiceIDDigest(service.id)
        if domainsByService.updateValue(CaseBits(service.categories.lazy.map(\.domain)), forKey: digest) != nil {
            duplicates += 1
            copies[digest, default: 1] += 1
        }
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

    /// What tells, on reading the same files again in the same order, the copy of each service this
    /// import keeps (the last one) from the ones it replaced.
    public var lastCopies: LastCopies { LastCopies(copies: copies) }
}

/// Passes on, of the services read again from an import's files, only the copy the import kept: the
/// last of each id. Streaming a merged directory this way holds a count per repeated id, not the records.
public struct LastCopies: Sendable {
    private var copies: [ServiceIDDigest: Int]

    init(copies: [ServiceIDDigest: Int]) { self.copies = copies }

    /// Whether `service` is the last copy of its id; call once per service, in reading order.
    public mutating func isLast(_ service: Service) -> Bool {
        guard !copies.isEmpty else { return true }
        let digest = ServiceIDDigest(service.id)
        guard let remaining = copies[digest] else { return true }
        if remaining == 1 { copies[digest] = nil; return true }
        copies[digest] = remaining - 1
        return false
    }
}
