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
        let code = Self.normalise(rawCode)
        let scalars = Array(code.unicodeScalars)
        var length = min(scalars.count, longestCode)
        while length > 0 {
            let atBoundary = length == scalars.count || !Self.isCodeCharacter(scalars[length])
            if atBoundary {
                let prefix = String(String.UnicodeScalarView(scalars[0..<length]))
                if let entry = byCode[prefix] {
                    var value: String? = nil
                    if length < scalars.count, scalars[length] == "/" {
                        value = String(String.UnicodeScalarView(scalars[(length + 1)...])).nonBlank
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
        var mapping = Mapping()
        var categories = Set<NeedCategory>()
        for code in codes {
            if let (entry, value) = entry(forCode: code) {
                apply(entry, value: value, code: code, to: &mapping, categories: &categories)
            } else if let entry = entry(forTerm: code) {
                apply(entry, value: nil, code: code, to: &mapping, categories: &categories)
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

    /// Codes compare without case and surrounding space ("bh-1800 " is "BH-1800").
    static func normalise(_ code: String) -> String { code.trimmingWhitespace().uppercased() }

    private static func isCodeCharacter(_ s: Unicode.Scalar) -> Bool {
        s.properties.isAlphabetic || ("0"..."9").contains(s)
    }
}

public struct TaxonomyMapError: Error, CustomStringConvertible, Sendable {
    public var entry: Int?
    public var message: String
    public var description: String {
        entry.map { "taxonomy map entry \($0 + 1): \(message)" } ?? "taxonomy map: \(message)"
    }
}
