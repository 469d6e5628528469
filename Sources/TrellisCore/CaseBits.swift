/// An enumeration whose cases know their place in `allCases` without searching it (searching built
/// the array of cases and compared raw texts: 6 % of reading a directory went on it).
public protocol CaseOrdinal: CaseIterable, Equatable {
    /// The case's position in `allCases`.
    var ordinal: Int { get }
}

/// A set of an enumeration's cases as one word, bit n for `allCases[n]`: the index and the import
/// keep one or two per service, and a `Set` was an allocation each (for at most a dozen values).
public struct CaseBits<Element: CaseOrdinal>: Sendable, Equatable {
    private var bits: UInt32 = 0

    public init() {}

    public init(_ elements: some Sequence<Element>) {
        for element in elements { insert(element) }
    }

    private static func bit(_ element: Element) -> UInt32 {
        precondition(element.ordinal < UInt32.bitWidth, "\(Element.self) has more cases than CaseBits holds")
        return 1 << UInt32(element.ordinal)
    }

    public var isEmpty: Bool { bits == 0 }

    public func contains(_ element: Element) -> Bool { bits & Self.bit(element) != 0 }

    public mutating func insert(_ element: Element) { bits |= Self.bit(element) }

    public func subtracting(_ other: CaseBits) -> CaseBits {
        var result = self
        result.bits &= ~other.bits
        return result
    }
}
