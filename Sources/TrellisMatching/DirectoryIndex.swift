public import Synchronization
public import TrellisCore

/// An immutable index of a directory for matching: services by need category, and within a
/// category by geographic grid cell. Built beside the live one and swapped in whole.
public final class DirectoryIndex: Sendable {
    /// Grid cells are 0.1° of latitude by 0.1° of longitude (about 11 km north–south).
    static let cellDegrees = 0.1

    struct CategoryIndex: Sendable {
        /// Services with a point, by cell.
        var cells: [Int64: [Int32]] = [:]
        /// Services without any point: checked by area served, whatever the distance.
        var unlocated: [Int32] = []
        /// Telehealth services: distance does not hold them back when the person accepts telehealth.
        var virtual: [Int32] = []
        var count = 0
    }

    let services: [IndexedService]
    let positions: [String: Int32]
    let categories: [NeedCategory: CategoryIndex]
    let responsiveness: [String: Responsiveness]

    public var serviceCount: Int { services.count }

    /// - Parameters:
    ///   - services: the directory; a later copy of an id replaces an earlier one.
    ///   - responsiveness: per organization id, from tracked referrals; missing is neutral.
    public init(services: some Sequence<Service>, responsiveness: [String: Responsiveness] = [:]) {
        var list: [IndexedService] = []
        var positions: [String: Int32] = [:]
        for service in services {
            let indexed = IndexedService(service)
            if let existing = positions[service.id] {
                list[Int(existing)] = indexed
            } else {
                positions[service.id] = Int32(list.count)
                list.append(indexed)
            }
        }
        var categories: [NeedCategory: CategoryIndex] = [:]
        for (position, service) in list.enumerated() {
            let p = Int32(position)
            var points = service.points
            for case .radius(let center, _) in service.areas { points.append(center) }
            let cells = Set(points.map(Self.cell))
            for category in Set(service.categories) {
                var index = categories[category] ?? CategoryIndex()
                index.count += 1
                if service.isVirtual { index.virtual.append(p) }
                if cells.isEmpty {
                    index.unlocated.append(p)
                } else {
                    for cell in cells { index.cells[cell, default: []].append(p) }
                }
                categories[category] = index
            }
        }
        self.services = list
        self.positions = positions
        self.categories = categories
        self.responsiveness = responsiveness
    }

    /// The same directory with new responsiveness figures, sharing nothing mutable.
    public func withResponsiveness(_ figures: [String: Responsiveness]) -> DirectoryIndex {
        DirectoryIndex(reusing: self, responsiveness: figures)
    }

    private init(reusing other: DirectoryIndex, responsiveness: [String: Responsiveness]) {
        services = other.services
        positions = other.positions
        categories = other.categories
        self.responsiveness = responsiveness
    }

    public func contains(serviceID: String) -> Bool { positions[serviceID] != nil }

    static func cell(_ point: Coordinate) -> Int64 {
        cell(latitudeIndex: Int32((point.latitude / cellDegrees).rounded(.down)),
             longitudeIndex: Int32((point.longitude / cellDegrees).rounded(.down)))
    }

    static func cell(latitudeIndex: Int32, longitudeIndex: Int32) -> Int64 {
        Int64(latitudeIndex) << 32 | Int64(UInt32(bitPattern: longitudeIndex))
    }
}

/// The index in use. Readers take the current index without waiting for a reload; a reload
/// builds its index beside this one and swaps it in at once.
public final class LiveDirectoryIndex: Sendable {
    private let current: Mutex<DirectoryIndex>

    public init(_ index: DirectoryIndex) { current = Mutex(index) }

    /// The index to read from; stays valid however long the reader keeps it.
    public var snapshot: DirectoryIndex { current.withLock { $0 } }

    public func replace(with index: DirectoryIndex) {
        current.withLock { $0 = index }
    }
}
