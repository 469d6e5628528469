/// What one top-level HSDS JSON object is, told by the keys the HSDS 3.x schemas give each kind.
/// Open Referral publishes examples of every kind; only services, organizations and
/// service-at-locations describe services a person can be referred to.
enum HSDSRecordKind: Equatable {
    case service
    case organization
    /// A `service_at_location`: one service (nested under `service`) at one location.
    case serviceAtLocation
    /// Valid HSDS that holds no service: the reason says what it is instead.
    case notADirectoryRecord(String)
    /// None of the above.
    case unknown

    init(_ value: JSONValue) {
        func has(_ key: String) -> Bool { value[key] != nil }
        let serviceLike = has("status") || has("organization") || has("organization_id")
        if case .object(let members) = value, members.contains(where: { $0.key.hasSuffix(".csv") }) {
            self = .notADirectoryRecord("HSDS tabular data (one array per CSV table: \(Self.tables(members))); Trellis reads HSDS JSON services or organizations (one object, an array, an HSDA page or NDJSON): export those, or the CSV package's services as JSON")
        } else if has("openapi_url") || (has("version") && has("profile") && !has("id")) {
            self = .notADirectoryRecord("HSDS API metadata (version, profile, openapi_url), which lists no services")
        } else if let service = value["service"], service.isObject, !has("status") {
            self = .serviceAtLocation
        } else if has("services") {
            self = .organization
        } else if !serviceLike, has("code") || has("parent_id") || has("taxonomy_detail") || has("term_uri") {
            self = .notADirectoryRecord("an HSDS taxonomy term, not a service or an organization")
        } else if !serviceLike, has("version"), has("uri") || has("name") {
            self = .notADirectoryRecord("an HSDS taxonomy, not a service or an organization")
        } else if !serviceLike, has("location_type") || has("latitude") || has("addresses") {
            self = .notADirectoryRecord("an HSDS location, not a service or an organization (a location alone offers no service)")
        } else if !serviceLike && has("name") && has("id") {
            self = .organization
        } else if serviceLike || has("attributes") || has("name") || has("id") {
            self = .service
        } else {
            self = .unknown
        }
    }

    private static func tables(_ members: [(key: String, value: JSONValue)]) -> String {
        let names = members.map(\.key).filter { $0.hasSuffix(".csv") }
        return names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", …" : "")
    }
}
