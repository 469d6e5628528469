import TrellisCore

/// Drawing helpers for synthetic data.
extension SplitMix64 {
    /// An independent stream for record `index` of kind `salt`, so each record's content does
    /// not depend on how many numbers earlier records drew.
    init(seed: UInt64, salt: UInt64, index: Int) {
        var mixer = SplitMix64(seed: seed ^ (salt &* 0x9E37_79B9_7F4A_7C15))
        let a = mixer.next()
        self.init(seed: a ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03))
        _ = next()
    }

    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + int(below: range.upperBound - range.lowerBound + 1)
    }

    mutating func chance(_ p: Double) -> Bool {
        Double(next() >> 11) * 0x1p-53 < p
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[int(below: items.count)]
    }

    /// An index drawn with the given weights.
    mutating func weighted(_ weights: [Int]) -> Int {
        var r = int(below: weights.reduce(0, +))
        for (i, w) in weights.enumerated() {
            if r < w { return i }
            r -= w
        }
        return weights.count - 1
    }
}
