import Foundation
import Hummingbird
import HummingbirdCore
import TrellisCore
import TrellisStore

/// `GET /fhir/Task`'s parameters: `owner` (`Organization/ID` or `ID`), `status` (one Task status or a
/// comma list), `_lastUpdated` (`ge` or `gt` a date or instant), `_id`, `_count` (1 to 100, default 20),
/// `_offset` (where a page starts, as the `next` link sets it) and `_include` (`Task:focus` or
/// `Task:patient`, which every answer includes anyway). Anything else is refused by name; a query over 2 KB
/// is refused whole (414).
struct FHIRTaskSearch: Sendable {
    static let parameters: Set<String> = ["owner", "status", "_lastUpdated", "_id", "_count", "_offset", "_include"]
    static let includes: Set<String> = ["Task:focus", "Task:patient"]
    static let maximumCount = 100
    static let maximumOffset = 1_000_000
    /// Longer queries are refused before they are read: every real search fits in far less.
    static let maximumQueryBytes = 2_048

    var owner: String?
    var statuses: Set<ReferralStatus> = []
    var updatedAfter: (date: Date, inclusive: Bool)?
    var id: String?
    var count: Int
    var offset: Int

    init(_ uri: URI) throws {
        guard (uri.query?.utf8.count ?? 0) <= Self.maximumQueryBytes else {
            throw APIError(.uriTooLong, code: "too_long", "the query string is at most \(Self.maximumQueryBytes) bytes")
        }
        try uri.rejectUnknownParameters(Self.parameters)
        count = try uri.integer("_count", in: 1...Self.maximumCount, default: 20)
        offset = try uri.integer("_offset", in: 0...Self.maximumOffset, default: 0)
        if let owner = try uri.nonBlankText("owner") {
            let id = owner.hasPrefix("Organization/") ? String(owner.dropFirst("Organization/".count)) : owner
            guard !id.isEmpty, id.utf8.count <= 200, !id.contains("/") else {
                throw APIError.invalid("owner is an organization: Organization/ID or ID", field: "owner")
            }
            self.owner = id
        }
        if let list = try uri.nonBlankText("status") {
            for code in list.split(separator: ",", omittingEmptySubsequences: false) {
                let code = code.trimmingCharacters(in: .whitespaces)
                guard let status = ReferralStatus(rawValue: code), status != .draft else {
                    let known = ReferralStatus.allCases.filter { $0 != .draft }.map(\.rawValue)
                    throw APIError.invalid("status is one or more of \(known.joined(separator: ", ")), separated by commas", field: "status")
                }
                statuses.insert(status)
            }
        }
        if let text = try uri.nonBlankText("_lastUpdated") { updatedAfter = try Self.lastUpdated(text) }
        if let id = try uri.nonBlankText("_id") {
            // An id that cannot be a Task's matches nothing rather than reaching the store.
            self.id = id
        }
        if let include = try uri.nonBlankText("_include"), !Self.includes.contains(include) {
            throw APIError.invalid("_include is Task:focus or Task:patient (both are always included)", field: "_include")
        }
    }

    /// `ge2026-12-01`, `gt2026-12-01T10:00:00Z`: a date is its first moment in UTC.
    static func lastUpdated(_ text: String) throws -> (date: Date, inclusive: Bool) {
        let refusal = APIError.invalid("_lastUpdated is ge or gt followed by a date (2026-12-01) or an instant (2026-12-01T10:00:00Z)",
                                       field: "_lastUpdated")
        let inclusive: Bool
        if text.hasPrefix("ge") { inclusive = true } else if text.hasPrefix("gt") { inclusive = false } else { throw refusal }
        let value = String(text.dropFirst(2))
        guard value.utf8.count <= 40 else { throw refusal }
        if let day = try? Date.ISO8601FormatStyle().year().month().day().parse(value) { return (day, inclusive) }
        if let instant = try? Date.ISO8601FormatStyle().parse(value) { return (instant, inclusive) }
        if let instant = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(value) { return (instant, inclusive) }
        throw refusal
    }

    /// The store's filter for the conditions it can apply itself (one status, the owner) within `scope`.
    func filter(scope: ReferralScope, limit: Int, offset: Int) -> ReferralFilter {
        ReferralFilter(status: statuses.count == 1 ? statuses.first : nil, organizationID: owner, limit: limit, offset: offset, scope: scope)
    }

    /// Whether the store's filter is the whole search, so every row it returns is a match.
    var storeFiltersEverything: Bool { statuses.count <= 1 && updatedAfter == nil }

    /// The conditions the store cannot apply, checked on each row it returns.
    func matches(_ referral: Referral) -> Bool {
        if !statuses.isEmpty && !statuses.contains(referral.status) { return false }
        if let (date, inclusive) = updatedAfter, inclusive ? referral.updatedAt < date : referral.updatedAt <= date { return false }
        return true
    }

    /// This search's query with `_offset` set: the `self` and `next` links.
    func query(offset: Int) -> String {
        var items: [String] = []
        if let owner { items.append("owner=Organization/\(owner)") }
        if !statuses.isEmpty {
            items.append("status=" + ReferralStatus.allCases.filter(statuses.contains).map(\.rawValue).joined(separator: ","))
        }
        if let (date, inclusive) = updatedAfter { items.append("_lastUpdated=\(inclusive ? "ge" : "gt")\(date.iso8601Seconds)") }
        if let id { items.append("_id=\(FHIRID.isValid(id) ? id : "")") }
        items.append("_count=\(count)")
        items.append("_offset=\(offset)")
        return items.map { $0.addingPercentEncoding(withAllowedCharacters: Self.queryAllowed) ?? $0 }.joined(separator: "&")
    }

    static let queryAllowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&+"))
}

/// FHIR's resource id: 1 to 64 letters, digits, `-` and `.`.
enum FHIRID {
    static func isValid(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
    }
}
