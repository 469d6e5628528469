/// One area a service says it serves. A service with no areas states no restriction.
public enum ServiceArea: Hashable, Codable, Sendable {
    case postalCode(String)
    case city(String, state: String?)
    case county(String, state: String?)
    case state(String)
    case country(String)
    /// Within `kilometres` of a point.
    case radius(center: Coordinate, kilometres: Double)
    /// Explicitly everywhere ("All Areas").
    case anywhere

    enum CodingKeys: String, CodingKey { case kind, value, state, latitude, longitude, kilometres }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .kind)
        switch kind {
        case "postal_code": self = .postalCode(try c.decode(String.self, forKey: .value))
        case "city": self = .city(try c.decode(String.self, forKey: .value), state: try c.decodeIfPresent(String.self, forKey: .state))
        case "county": self = .county(try c.decode(String.self, forKey: .value), state: try c.decodeIfPresent(String.self, forKey: .state))
        case "state": self = .state(try c.decode(String.self, forKey: .value))
        case "country": self = .country(try c.decode(String.self, forKey: .value))
        case "anywhere": self = .anywhere
        case "radius":
            guard let center = Coordinate(latitude: try c.decode(Double.self, forKey: .latitude),
                                          longitude: try c.decode(Double.self, forKey: .longitude))
            else { throw DecodingError.dataCorruptedError(forKey: .latitude, in: c, debugDescription: "coordinate out of range") }
            self = .radius(center: center, kilometres: try c.decode(Double.self, forKey: .kilometres))
        default:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown service area kind \"\(kind)\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .postalCode(let v): try c.encode("postal_code", forKey: .kind); try c.encode(v, forKey: .value)
        case .city(let v, let s): try c.encode("city", forKey: .kind); try c.encode(v, forKey: .value); try c.encodeIfPresent(s, forKey: .state)
        case .county(let v, let s): try c.encode("county", forKey: .kind); try c.encode(v, forKey: .value); try c.encodeIfPresent(s, forKey: .state)
        case .state(let v): try c.encode("state", forKey: .kind); try c.encode(v, forKey: .value)
        case .country(let v): try c.encode("country", forKey: .kind); try c.encode(v, forKey: .value)
        case .anywhere: try c.encode("anywhere", forKey: .kind)
        case .radius(let center, let km):
            try c.encode("radius", forKey: .kind)
            try c.encode(center.latitude, forKey: .latitude)
            try c.encode(center.longitude, forKey: .longitude)
            try c.encode(km, forKey: .kilometres)
        }
    }
}
