public import Foundation

/// Maps taxonomy codes (211/AIRS, Open Eligibility, Trellis's own `trellis:` namespace, a county's
/// local codes) to need categories and program attributes. The longest matching prefix wins.
public struct TaxonomyMap: Sendable {
    public struct Entry: Codable, Hashable, Sendable {
        /// A code or code prefix ("BH-1800", "BH", "trellis:faith-tradition").
        public var code: String?
        /// An Open Eligibility (or other) term name, matched whole and case-insensitively.
        public var term: String?
        public var domain: NeedDomain?
        public var detail: String?
        /// Program attributes the code sets: `faith_based`, `ips`, `housing_first`, `sobriety_required`,
        /// `peer_run`, `trauma_informed`, `telehealth`; `faith_tradition` and `ips_fidelity` take the
        /// part of the code after `/` as their value.
        public var attributes: [String]?

        public init(code: String? = nil, term: String? = nil, domain: NeedDomain? = nil, detail: String? = nil,
                    attributes: [String]? = nil) {
            self.code = code
            self.term = term
            self.domain = domain
            self.detail = detail
            self.attributes = attributes
        }
    }

    /// What a set of codes maps to.
    public struct Mapping: Hashable, Sendable {
        public var categories: [NeedCategory] = []
        public var attributes = ProgramAttributes()
        public var unmappedCodes: [String] = []
        /// Codes whose attribute value was not understood, with the reason.
        public var problems: [String] = []
        public init() {}
    }

    public static let knownAttributes: Set<String> = [
        "faith_based", "faith_tradition", "ips", "ips_fidelity", "housing_first", "sobriety_required",
        "peer_run", "trauma_informed", "telehealth",
    ]

    public let entries: [Entry]
    private let byCode: [String: Entry]
    private let byTerm: [String: Entry]
    private let longestCode: Int

    public init(entries: [Entry]) throws {
        var byCode: [String: Entry] = [:]
        var byTerm: [String: Entry] = [:]
        for (index, entry) in entries.enumerated() {
            guard entry.code != nil || entry.term != nil else {
                throw TaxonomyMapError(entry: index, message: "an entry needs a \"code\" or a \"term\"")
            }
            guard entry.domain != nil || !(entry.attributes ?? []).isEmpty else {
                throw TaxonomyMapError(entry: index, message: "an entry needs a \"domain\" or \"attributes\"")
            }
            if entry.detail != nil && entry.domain == nil {
                throw TaxonomyMapError(entry: index, message: "a \"detail\" needs a \"domain\"")
            }
            for attribute in entry.attributes ?? [] where !Self.knownAttributes.contains(attribute) {
                throw TaxonomyMapError(entry: index, message: "unknown attribute \"\(attribute)\"")
            }
            if let code = entry.code { byCode[Self.normalise(code)] = entry }
            if let term = entry.term { byTerm[term.lowercased()] = entry }
        }
        self.entries = entries
        self.byCode = byCode
        self.byTerm = byTerm
        self.longestCode = byCode.keys.map(\.utf8.count).max() ?? 0
    }

    private struct File: Decodable {
        var entries: [Entry]
    }

    /// Reads the JSON form of `config/taxonomy-map.json`.
    public init(json: Data) throws {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: json)
        } catch {
            throw TaxonomyMapError(entry: nil, message: "not a taxonomy map: \(error)")
        }
        try self.init(entries: file.entries)
    }

    /// All details the map knows per domain, so a needs profile can be checked against them.
    public var detailsByDomain: [NeedDomain: Set<String>] {
        var result: [NeedDomain: Set<String>] = [:]
        for entry in entries {
            guard let domain = entry.domain else { continue }
            if let detail = entry.detail { result[domain, default: []].insert(detail) } else { result[domain, default: []] = result[domain] ?? [] }
        }
        return result
    }

    /// The entry for one code: the longest prefix that ends at a segment boundary.
    public func entry(forCode rawCode: String) -> (entry: Entry, value: String?)? {
        let code = Array(Self.normalise(rawCode).utf8)
        var length = min(code.count, longestCode)
        while length > 0 {
            if length == code.count || !Self.isCodeByte(code[length]) {
                if let entry = byCode[String(decoding: code[0..<length], as: UTF8.self)] {
                    var value: String? = nil
                    if length < code.count, code[length] == UInt8(ascii: "/") {
                        value = String(decoding: code[(length + 1)...], as: UTF8.self).nonBlank
                    }
                    return (entry, value)
                }
            }
            length -= 1
        }
        return nil
    }

    public func entry(forTerm term: String) -> Entry? { byTerm[term.trimmingWhitespace().lowercased()] }

    /// Maps codes and term names together. Codes are tried first, then a term by name.
    public func map(codes: [String], terms: [String] = []) -> Mapping {
        mapping(codes.map { code in (code, entry(forCode: code) ?? entry(forTerm: code).map { ($0, nil) }) }, terms: terms)
    }

    fileprivate func mapping(_ resolved: [(code: String, found: (entry: Entry, value: String?)?)], terms: [String]) -> Mapping {
        var mapping = Mapping()
        var categories = Set<NeedCategory>()
        for (code, found) in resolved {
            if let (entry, value) = found {
                apply(entry, value: value, code: code, to: &mapping, categories: &categories)
            } else {
                mapping.unmappedCodes.append(code)
            }
        }
        for term in terms {
            if let entry = entry(forTerm: term) {
                apply(entry, value: nil, code: term, to: &mapping, categories: &categories)
            }
        }
        mapping.categories = categories.sorted()
        return mapping
    }

    private func apply(_ entry: Entry, value: String?, code: String, to mapping: inout Mapping,
                       categories: inout Set<NeedCategory>) {
        if let domain = entry.domain { categories.insert(NeedCategory(domain, entry.detail)) }
        for attribute in entry.attributes ?? [] {
            switch attribute {
            case "faith_based": mapping.attributes.faithBased = true
            case "faith_tradition":
                mapping.attributes.faithBased = true
                if let value { mapping.attributes.faithTradition = value.lowercased() }
            case "ips": mapping.attributes.ips = true
            case "ips_fidelity":
                if let value, let fidelity = IPSFidelity(rawValue: value.lowercased()) {
                    mapping.attributes.ipsFidelity = fidelity
                    if fidelity != .notIPS { mapping.attributes.ips = true }
                } else {
                    mapping.problems.append("\(code): IPS fidelity must be exemplary, good, fair or not-ips")
                }
            case "housing_first": mapping.attributes.housingFirst = true
            case "sobriety_required": mapping.attributes.sobrietyRequired = true
            case "peer_run": mapping.attributes.peerRun = true
            case "trauma_informed": mapping.attributes.traumaInformed = true
            case "telehealth": mapping.attributes.telehealth = true
            default: break
            }
        }
    }

    /// Remembers what each code maps to while one file is read: a directory repeats a few hundred
    /// codes across all its records.
    public struct Memo: Sendable {
        public let map: TaxonomyMap
        private var codes: [String: (entry: Entry, value: String?)?] = [:]

        public init(_ map: TaxonomyMap) { self.map = map }

        public mutating func map(codes list: [String], terms: [String] = []) -> Mapping {
            var resolved: [(code: String, found: (entry: Entry, value: String?)?)] = []
            resolved.reserveCapacity(list.count)
            for code in list {
                if let known = codes[code] {
                    resolved.append((code, known))
                } else {
                    let found = map.entry(forCode: code) ?? map.entry(forTerm: code).map { ($0, nil) }
                    codes[code] = .some(found)
                    resolved.append((code, found))
                }
            }
            return map.mapping(resolved, terms: terms)
        }
    }

    /// Codes compare without case and surrounding space ("bh-1800 " is "BH-1800").
    static func normalise(_ code: String) -> String { code.trimmingWhitespace().uppercased() }

    /// Letters and digits continue a code segment; anything else (".", "-", "/", ":") ends one.
    /// Bytes of multi-byte UTF-8 count as letters.
    private static func isCodeByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b >= 0x80
    }
}

public struct TaxonomyMapError: Error, CustomStringConvertible, Sendable {
    public var entry: Int?
    public var message: String
    public var description: String {
        entry.map { "taxonomy map entry \($0 + 1): \(message)" } ?? "taxonomy map: \(message)"
    }
}
