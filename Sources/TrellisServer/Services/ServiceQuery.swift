import Hummingbird
import HummingbirdCore
import TrellisCore

/// `GET /v1/services`, HSDA-style: `search`, `taxonomy` (a code prefix or a detail), `domain`,
/// `near=lat,lon` with `radius_km` (default 25, at most 500), `page` and `per_page` (at most 100).
struct ServiceQuery: Sendable {
    static let parameters: Set<String> = ["search", "taxonomy", "domain", "near", "radius_km", "page", "per_page"]
    var search: String?
    var taxonomy: String?
    var domain: NeedDomain?
    var near: Coordinate?
    var radiusKm = 25.0
    var page = 1
    var perPage = 20

    init(search: String? = nil, domain: NeedDomain? = nil, page: Int = 1, perPage: Int = 20) {
        self.search = search
        self.domain = domain
        self.page = page
        self.perPage = perPage
    }

    init(_ uri: URI) throws {
        try uri.rejectUnknownParameters(Self.parameters)
        search = uri.text("search")
        if let search, search.utf8.count > 200 { throw APIError.invalid("search is at most 200 characters", field: "search") }
        taxonomy = uri.text("taxonomy")
        if let text = try uri.nonBlankText("domain") {
            guard let domain = NeedDomain(rawValue: text) else {
                throw APIError.invalid("domain is one of \(NeedDomain.allCases.map(\.rawValue).joined(separator: ", "))", field: "domain")
            }
            self.domain = domain
        }
        if let text = try uri.nonBlankText("near") {
            let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let lat = parts[0], let lon = parts[1], let point = Coordinate(latitude: lat, longitude: lon) else {
                throw APIError.invalid("near is latitude,longitude in degrees (e.g. 41.26,-95.94)", field: "near")
            }
            near = point
        }
        if let text = try uri.nonBlankText("radius_km") {
            guard let radius = Double(text), radius > 0, radius <= 500 else {
                throw APIError.invalid("radius_km is a number above 0, at most 500", field: "radius_km")
            }
            guard near != nil else { throw APIError.invalid("radius_km needs near=lat,lon", field: "radius_km") }
            radiusKm = radius
        }
        page = try uri.integer("page", in: 1...100_000, default: 1)
        perPage = try uri.integer("per_page", in: 1...100, default: 20)
    }
}
