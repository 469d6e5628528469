/// Identifiers derived from a record's source and its own key: the same in every run, every
/// process and every store, so a match made from files names the service the server stores.
public enum StableID {
    /// 64-bit FNV-1a over the parts, separated by a unit separator so ("ab","c") ≠ ("a","bc").
    public static func hash(_ parts: String...) -> UInt64 { hash(parts) }

    public static func hash(_ parts: [String]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for (index, part) in parts.enumerated() {
            if index > 0 { h = (h ^ 0x1f) &* 0x0000_0100_0000_01b3 }
            for byte in part.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        }
        return h
    }

    /// `svc-` followed by 16 hex digits.
    public static func service(source: String, key: String) -> String {
        "svc-" + hex(hash(source, "service", key))
    }

    static func hex(_ value: UInt64) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: 16)
        var v = value
        for i in stride(from: 15, through: 0, by: -1) {
            out[i] = digits[Int(v & 0xf)]
            v >>= 4
        }
        return String(decoding: out, as: UTF8.self)
    }
}
