/// A county, written one way whatever the source wrote: "Douglas County, NE", "DOUGLAS", "douglas co." and
/// "Douglas, Nebraska" are all Douglas (with the state when one is known). AIRS exports and HSDS feeds spell
/// counties differently; every per-county figure and service-area rule compares these values, never raw text.
public struct County: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Title-cased, without "County", "Parish", "Borough" or "Co.": "Douglas", "Saint Louis".
    public let name: String
    /// The two-letter postal code of its state, when known.
    public let state: String?

    /// Nil when the text names no county (blank, or only "County"). `state` is used when the text
    /// carries none ("Douglas" with state "ne"); a state in the text ("Douglas, Nebraska") wins.
    public init?(_ raw: String, state: String? = nil) {
        var text = raw.trimmingWhitespace()
        var written: String? = nil
        if let comma = text.lastIndex(of: ","), let code = County.stateCode(for: String(text[text.index(after: comma)...])) {
            written = code
            text = String(text[..<comma])
        }
        let words = text.split(whereSeparator: \.isWhitespace).map { $0.lowercased() }
        var kept = words
        if let last = kept.last, County.suffixes.contains(last), kept.count > 1 { kept.removeLast() }
        guard !kept.isEmpty, !(kept.count == 1 && County.suffixes.contains(kept[0])) else { return nil }
        name = kept.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
        self.state = written ?? state.flatMap(County.stateCode(for:))
    }

    public init(name: String, state: String?) {
        self.name = name
        self.state = state
    }

    /// Counties the same but for a state one of them does not know.
    public func isSame(as other: County) -> Bool {
        name == other.name && (state == nil || other.state == nil || state == other.state)
    }

    /// "Douglas, NE", or "Douglas" when the state is unknown.
    public var description: String { state.map { "\(name), \($0)" } ?? name }

    public static func < (a: County, b: County) -> Bool { (a.name, a.state ?? "") < (b.name, b.state ?? "") }

    static let suffixes: Set<String> = ["county", "parish", "borough", "co.", "co"]
}
