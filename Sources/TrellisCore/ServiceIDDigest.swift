/// 128 bits standing for a service id, for telling ids apart without keeping them: two distinct ids
/// of a million share a digest with a chance of about 10⁻²⁷ (two SipHash values, keyed per process,
/// of the id under two different prefixes).
public struct ServiceIDDigest: Hashable, Comparable, Sendable {
    public let high: UInt64
    public let low: UInt64

    public init(_ id: String) {
        var first = Hasher()
        first.combine(UInt8(1))
        first.combine(id)
        var second = Hasher()
        second.combine(UInt8(2))
        second.combine(id)
        high = UInt64(bitPattern: Int64(first.finalize()))
        low = UInt64(bitPattern: Int64(second.finalize()))
    }

    public static func < (a: ServiceIDDigest, b: ServiceIDDigest) -> Bool {
        (a.high, a.low) < (b.high, b.low)
    }
}
