public import TrellisCore

/// Where readers put what they read, one record at a time, so a file of any size is read in
/// bounded memory.
public protocol DirectorySink {
    mutating func add(_ organization: Organization)
    mutating func add(_ service: Service)
}

/// Collects everything in memory: for tests and small directories.
public struct CollectingSink: DirectorySink {
    public private(set) var organizations: [Organization] = []
    public private(set) var services: [Service] = []
    public init() {}
    public mutating func add(_ organization: Organization) { organizations.append(organization) }
    public mutating func add(_ service: Service) { services.append(service) }
}
