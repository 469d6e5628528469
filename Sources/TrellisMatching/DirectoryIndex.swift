public import TrellisCore

/// An immutable index of a directory for matching: services by need category, and within a
/// category by geographic grid cell. Built beside the live one and swapped in whole.
public final class DirectoryIndex: Sendable {
    /// Grid cells are 0.1° of latitude by 0.1° of longitude (about 11 km north–south).
    static let cellDegrees = 0.1

    /// Services read together, with the bound on what any of them can score.
    struct Block: Sendable {
        enum Place: Sendable {
            /// A grid cell: its services are at least the distance to the cell away.
            case cell(latitudeIndex: Int32, longitudeIndex: Int32)
            /// Telehealth services: distance does not hold them back when the person accepts telehealth.
            case virtual
            /// Services without any point: distance unknown, checked by area served.
            case unlocated
        }

        var place: Place
        var bound = ScoreBound()
        var services: [Int32] = []
        /// Orders blocks of equal bound by content (cell, state, first service id), never by
        /// insertion or hash order, so the same directory is always searched the same way.
        var tieBreak = ""
        /// Every service here requires sobriety: for a person in active use, housing from this block
        /// can only be a Housing First last resort.
        var allRequireSobriety = true
        /// Every service here serves only places in this state (chunks are grouped by it).
        var confinedState: String?
        /// Every service here is faith-based: no secular alternative can come from this block.
        var allFaithBased = true

        mutating func add(_ position: Int32, bound: ScoreBound, requiresSobriety: Bool, faithBased: Bool) {
            services.append(position)
            self.bound.include(bound)
            allRequireSobriety = allRequireSobriety && requiresSobriety
            allFaithBased = allFaithBased && faithBased
        }
    }

    /// A square of grid cells (`regionCells` on a side) with the bound of all its cell blocks: a
    /// search values the region first and its cells only once the region could reach the results,
    /// so the cells of far-away regions are never valued.
    struct Region: Sendable {
        var latitudeIndex: Int32
        var longitudeIndex: Int32
        var bound = ScoreBound()
        /// Its cell blocks, by position in the category's `blocks`.
        var blocks: [Int32] = []

        mutating func add(_ block: Int32, bound: ScoreBound) {
            blocks.append(block)
            self.bound.include(bound)
        }

        /// The region's corners in degrees: south, north, west, east.
        var extent: (south: Double, north: Double, west: Double, east: Double) {
            (Double(latitudeIndex) * regionDegrees, Double(latitudeIndex + 1) * regionDegrees,
             Double(longitudeIndex) * regionDegrees, Double(longitudeIndex + 1) * regionDegrees)
        }
    }

    struct CategoryIndex: Sendable {
        var blocks: [Block] = []
        /// The cell blocks, grouped by region.
        var regions: [Region] = []
        /// Blocks that are not in a region (telehealth and unlocated chunks), by position in `blocks`.
        var looseBlocks: [Int32] = []
        var count = 0

        /// Groups the cell blocks into regions; the rest stay loose. Regions are ordered by place,
        /// so a search's order never depends on hashing.
        mutating func formRegions() {
            var byKey: [Int64: Region] = [:]
            for (position, block) in blocks.enumerated() {
                guard case .cell(let la, let lo) = block.place else {
                    looseBlocks.append(Int32(position))
                    continue
                }
                let rla = DirectoryIndex.floorDivide(la, regionCells), rlo = DirectoryIndex.floorDivide(lo, regionCells)
                let key = DirectoryIndex.cell(latitudeIndex: rla, longitudeIndex: rlo)
                byKey[key, default: Region(latitudeIndex: rla, longitudeIndex: rlo)].add(Int32(position), bound: block.bound)
            }
            regions = byKey.sorted { $0.key < $1.key }.map(\.value)
        }
    }

    /// Cells on a side of a region (1° with 0.1° cells).
    static let regionCells: Int32 = 10
    static let regionDegrees = cellDegrees * Double(regionCells)

    static func floorDivide(_ a: Int32, _ b: Int32) -> Int32 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    struct PruningFlags: OptionSet, Sendable {
        let rawValue: UInt8
        static let virtual = PruningFlags(rawValue: 1)
        static let faithBased = PruningFlags(rawValue: 2)
        static let requiresSobriety = PruningFlags(rawValue: 4)

        init(rawValue: UInt8) { self.rawValue = rawValue }

        init(_ service: IndexedService) {
            var flags: PruningFlags = []
            if service.isVirtual { flags.insert(.virtual) }
            if service.faithBased { flags.insert(.faithBased) }
            if service.requiresSobriety { flags.insert(.requiresSobriety) }
            self = flags
        }
    }

    /// Virtual and unlocated services are chunked so their bounds stay tight.
    static let chunkSize = 32

    let services: [IndexedService]
    /// Each service's bound, with its agency's responsiveness, by position.
    let bounds: [ScoreBound]
    /// What the search's pruning asks of each service, by position, a byte each: reading these from
    /// the services themselves missed the cache at every member of a block.
    let pruningFlags: [PruningFlags]
    /// Each service's place in id order, by position: ties in a ranking are broken by id, and the
    /// search compares these instead of the ids' texts.
    let idOrder: [Int32]
    let positions: [String: Int32]
    let categories: [NeedCategory: CategoryIndex]
    let responsiveness: [String: Responsiveness]

    public var serviceCount: Int { services.count }

    /// The capacity a service is ranked with (nil when not reported, or no such service).
    public func capacity(of serviceID: String) -> Capacity? {
        positions[serviceID].flatMap { services[Int($0)].capacity }
    }

    /// - Parameters:
    ///   - services: the directory; a later copy of an id replaces an earlier one.
    ///   - responsiveness: per organization id, from tracked referrals; missing is neutral.
    public convenience init(services: some Sequence<Service>, responsiveness: [String: Responsiveness] = [:]) {
        var builder = Builder(expectedCount: services.underestimatedCount)
        for service in services { builder.add(service) }
        self.init(indexed: builder.list, positions: builder.positions, responsiveness: responsiveness)
    }

    /// Takes a directory one service at a time and keeps only what matching needs of each, so a
    /// directory read page by page from the store is never held whole.
    public struct Builder: Sendable {
        fileprivate var list: [IndexedService] = []
        fileprivate var positions: [String: Int32] = [:]
        private var areas = AreaNormaliser()

        /// - Parameter expectedCount: how many services will come, when known, to size the tables once.
        public init(expectedCount: Int = 0) {
            list.reserveCapacity(expectedCount)
            positions.reserveCapacity(expectedCount)
        }

        public var count: Int { list.count }

        /// Adds `service`; a later copy of an id replaces an earlier one.
        public mutating func add(_ service: Service) {
            let indexed = IndexedService(service, areas: &areas)
            if let existing = positions[service.id] {
                list[Int(existing)] = indexed
            } else {
                positions[service.id] = Int32(list.count)
                list.append(indexed)
            }
        }

        public func build(responsiveness: [String: Responsiveness] = [:]) -> DirectoryIndex {
            DirectoryIndex(indexed: list, positions: positions, responsiveness: responsiveness)
        }
    }

    fileprivate init(indexed list: [IndexedService], positions: [String: Int32], responsiveness: [String: Responsiveness]) {
        let bounds = list.map { $0.bound.with(responsiveness: ScoreBound.responsivenessValue(responsiveness[$0.organizationID])) }
        // First: blocks rank their members by bound, then by this (id order, without comparing texts).
        let idOrder = Self.idOrder(of: list)
        var cells: [NeedCategory: [Int64: Block]] = [:]
        var virtual: [NeedCategory: [Int32]] = [:]
        var unlocated: [NeedCategory: [Int32]] = [:]
        var counts: [NeedCategory: Int] = [:]
        for (position, service) in list.enumerated() {
            let p = Int32(position)
            var points = service.points
            for case .radius(let center, _) in service.areas { points.append(center) }
            let keys = Set(points.map(Self.cell))
            for category in Set(service.categories) {
                counts[category, default: 0] += 1
                if service.isVirtual { virtual[category, default: []].append(p) }
                if keys.isEmpty { unlocated[category, default: []].append(p) }
                for key in keys {
                    // Changed where it lies: copying a block out and back made each append copy the
                    // block's whole list, quadratic in a dense cell (a national directory's cities).
                    let place = Block.Place.cell(latitudeIndex: Int32(truncatingIfNeeded: key >> 32),
                                                 longitudeIndex: Int32(bitPattern: UInt32(truncatingIfNeeded: key)))
                    cells[category, default: [:]][key, default: Block(place: place)].add(p, bound: bounds[position],
                                                                                       requiresSobriety: service.requiresSobriety,
                                                                                       faithBased: service.faithBased)
                }
            }
        }
        var categories: [NeedCategory: CategoryIndex] = [:]
        for (category, count) in counts {
            var index = CategoryIndex(count: count)
            // Best first within a block too, so the results fill with strong candidates early.
            let standard = Self.standardQuery(for: category.domain)
            index.blocks = (cells[category] ?? [:]).values.flatMap { block in
                var sorted = block
                sorted.services = Self.ranked(block.services, bounds: bounds, idOrder: idOrder, query: standard)
                if case .cell(let la, let lo) = block.place { sorted.tieBreak = "c\(la):\(lo)" }
                return Self.split(sorted, bounds: bounds, services: list)
            }
            index.blocks += Self.chunks(virtual[category] ?? [], place: .virtual, bounds: bounds, services: list, idOrder: idOrder,
                                        domain: category.domain)
            index.blocks += Self.chunks(unlocated[category] ?? [], place: .unlocated, bounds: bounds, services: list, idOrder: idOrder,
                                        domain: category.domain)
            index.formRegions()
            categories[category] = index
        }
        self.services = list
        self.bounds = bounds
        self.pruningFlags = list.map(PruningFlags.init)
        self.idOrder = idOrder
        self.positions = positions
        self.categories = categories
        self.responsiveness = responsiveness
    }

    /// `members` best bound first, then by id: an order that depends on the directory's content only.
    /// Each one's bound is valued once rather than at every comparison (a dense cell of a national
    /// directory sorts thousands).
    private static func ranked(_ members: [Int32], bounds: [ScoreBound], idOrder: [Int32], query: BoundQuery) -> [Int32] {
        guard members.count > 1 else { return members }
        var keyed = members.map { (value: bounds[Int($0)].value(query), order: idOrder[Int($0)], position: $0) }
        keyed.sort { a, b in a.value != b.value ? a.value > b.value : a.order < b.order }
        return keyed.map(\.position)
    }

    /// An ordering heuristic only (any order is correct): the standard weights for a typical profile.
    private static func standardQuery(for domain: NeedDomain) -> BoundQuery {
        BoundQuery(config: .standard, need: .init(domain), profile: NeedsProfile(person: .init(ref: "order"), needs: [.init(domain)]),
                   today: CalendarDay(daysSinceEpoch: 20_000))
    }

    /// Chunks are grouped by the state their services are confined to, so a search can pass over
    /// other states' chunks whole.
    private static func chunks(_ members: [Int32], place: Block.Place, bounds: [ScoreBound], services: [IndexedService],
                               idOrder: [Int32], domain: NeedDomain) -> [Block] {
        let standard = standardQuery(for: domain)
        let groups = Dictionary(grouping: members) { services[Int($0)].confinedState ?? "" }
        return groups.keys.sorted().flatMap { state -> [Block] in
            let ranked = Self.ranked(groups[state] ?? [], bounds: bounds, idOrder: idOrder, query: standard)
            return stride(from: 0, to: ranked.count, by: chunkSize).map { start in
                var block = Block(place: place)
                block.confinedState = state.isEmpty ? nil : state
                block.tieBreak = "\(place):\(state):\(services[Int(ranked[start])].id)"
                for p in ranked[start..<min(start + chunkSize, ranked.count)] {
                    block.services.append(p)
                    block.bound.include(bounds[Int(p)])
                    block.allRequireSobriety = block.allRequireSobriety && services[Int(p)].requiresSobriety
                    block.allFaithBased = block.allFaithBased && services[Int(p)].faithBased
                }
                return block
            }
        }
    }

    /// A dense cell (a city's services in a national directory) as chunks of `chunkSize`, best first,
    /// each with its own bound: a search stops after the promising chunks instead of reading the
    /// whole cell. A cell with fewer services stays one block.
    private static func split(_ block: Block, bounds: [ScoreBound], services: [IndexedService]) -> [Block] {
        guard block.services.count > chunkSize else { return [block] }
        return stride(from: 0, to: block.services.count, by: chunkSize).map { start in
            var chunk = Block(place: block.place)
            chunk.tieBreak = start == 0 ? block.tieBreak : "\(block.tieBreak):\(start / chunkSize)"
            for p in block.services[start..<min(start + chunkSize, block.services.count)] {
                chunk.add(p, bound: bounds[Int(p)], requiresSobriety: services[Int(p)].requiresSobriety, faithBased: services[Int(p)].faithBased)
            }
            return chunk
        }
    }

    /// Places in id order; a directory read from the store (or an import) already comes in id order.
    static func idOrder(of list: [IndexedService]) -> [Int32] {
        if zip(list, list.dropFirst()).allSatisfy({ $0.id < $1.id }) { return Array(0..<Int32(list.count)) }
        var order = [Int32](repeating: 0, count: list.count)
        for (place, position) in IDOrderKeys(list.map(\.id)).sortedPositions().enumerated() {
            order[position] = Int32(place)
        }
        return order
    }

    /// The same directory with new responsiveness figures (bounds are recomputed).
    public func withResponsiveness(_ figures: [String: Responsiveness]) -> DirectoryIndex {
        DirectoryIndex(indexed: services, positions: positions, responsiveness: figures)
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
