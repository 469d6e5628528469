import TrellisCore

extension DirectoryGenerator {
    /// Salts for the record streams and ids.
    enum Salt: UInt64 {
        case structure = 1, agency, site, service
        case organizationID, locationID, serviceID, serviceAtLocationID, attributeID, termID, capacityID, unitID
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A deterministic version-4-format UUID for record `index` of kind `salt`.
    static func uuid(seed: UInt64, _ salt: Salt, _ index: Int) -> String {
        var rng = SplitMix64(seed: seed, salt: salt.rawValue, index: index)
        let hi = (rng.next() & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let lo = (rng.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        for (i, word) in [hi, lo].enumerated() {
            for nibble in 0..<16 {
                let position = i * 16 + nibble
                if position == 8 || position == 12 || position == 16 || position == 20 {
                    bytes.append(UInt8(ascii: "-"))
                }
                bytes.append(hexDigits[Int((word >> UInt64(60 - nibble * 4)) & 0xF)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A stable small hash of a string (FNV-1a), for ids of taxonomy terms.
    static func hash(_ text: String) -> Int {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return Int(truncatingIfNeeded: h >> 1)
    }
}
