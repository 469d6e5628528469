/// A postal address as a directory gives it. Place names keep their source spelling;
/// comparisons are made case-insensitively by whoever compares.
public struct Address: Hashable, Codable, Sendable {
    public var line1: String?
    public var line2: String?
    public var city: String?
    public var county: String?
    public var state: String?
    public var postalCode: String?
    public var country: String?

    public init(line1: String? = nil, line2: String? = nil, city: String? = nil, county: String? = nil,
                state: String? = nil, postalCode: String? = nil, country: String? = nil) {
        self.line1 = line1
        self.line2 = line2
        self.city = city
        self.county = county
        self.state = state
        self.postalCode = postalCode
        self.country = country
    }

    public var isEmpty: Bool {
        [line1, line2, city, county, state, postalCode, country].allSatisfy { $0 == nil }
    }

    enum CodingKeys: String, CodingKey {
        case line1 = "line_1", line2 = "line_2", city, county, state, country
        case postalCode = "postal_code"
    }
}

/// A place a service is delivered: an address, a point, or both.
public struct Location: Hashable, Codable, Sendable {
    public var name: String?
    public var address: Address?
    public var coordinate: Coordinate?

    public init(name: String? = nil, address: Address? = nil, coordinate: Coordinate? = nil) {
        self.name = name
        self.address = address
        self.coordinate = coordinate
    }
}
