import TrellisCore

/// A set of access features as bits: the index keeps two per service, and a `Set` of them was an
/// allocation each (5 MB at 100,000 services) for at most six values.
struct AccessibilityFeatures: Sendable, Equatable {
    private var bits: UInt8 = 0

    init() {}

    init(_ features: some Sequence<AccessibilityFeature>) {
        for feature in features { insert(feature) }
    }

    private static func bit(_ feature: AccessibilityFeature) -> UInt8 {
        // Six features; the assertion keeps a seventh and eighth from needing a wider type unseen.
        let position = AccessibilityFeature.allCases.firstIndex(of: feature)!
        assert(position < UInt8.bitWidth)
        return 1 << UInt8(position)
    }

    var isEmpty: Bool { bits == 0 }

    func contains(_ feature: AccessibilityFeature) -> Bool { bits & Self.bit(feature) != 0 }

    mutating func insert(_ feature: AccessibilityFeature) { bits |= Self.bit(feature) }

    func subtracting(_ other: AccessibilityFeatures) -> AccessibilityFeatures {
        var result = self
        result.bits &= ~other.bits
        return result
    }
}
