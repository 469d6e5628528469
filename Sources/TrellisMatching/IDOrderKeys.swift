/// Sorts ids the way `String`'s `<` does, fast: each id is first compared by eight of its bytes
/// after the prefix all ids share ("svc-" and the like) as one number, and by the whole text only on
/// a tie. Sorting a million ids by their texts was a seventh of building a national index. For ids
/// that are not all ASCII, where `String` compares by canonical equivalence rather than by byte,
/// the texts are compared throughout.
struct IDOrderKeys {
    private let ids: [String]
    /// Big-endian bytes `shared..<shared + 8` of each id (zero past its end), nil unless every id is ASCII.
    private let keys: [UInt64]?

    init(_ ids: [String]) {
        self.ids = ids
        keys = Self.keys(ids)
    }

    /// The positions of `ids`, in the ids' order (positions break ties between equal ids).
    func sortedPositions() -> [Int] {
        guard let keys else {
            return ids.indices.sorted { ids[$0] != ids[$1] ? ids[$0] < ids[$1] : $0 < $1 }
        }
        var keyed = keys.enumerated().map { (key: $0.element, position: $0.offset) }
        keyed.sort { a, b in
            if a.key != b.key { return a.key < b.key }
            let x = ids[a.position], y = ids[b.position]
            return x != y ? x < y : a.position < b.position
        }
        return keyed.map(\.position)
    }

    private static func keys(_ ids: [String]) -> [UInt64]? {
        guard var first = ids.first else { return [] }
        var shared = first.utf8.count
        var ascii = true
        first.withUTF8 { f in
            for var id in ids {
                id.withUTF8 { b in
                    var k = 0
                    while k < min(shared, b.count), b[k] == f[k] { k += 1 }
                    shared = k
                    if ascii, b.contains(where: { $0 >= 0x80 }) { ascii = false }
                }
            }
        }
        guard ascii else { return nil }
        return ids.map { id in
            var id = id
            return id.withUTF8 { b in
                var key: UInt64 = 0
                for k in 0..<8 {
                    key <<= 8
                    if shared + k < b.count { key |= UInt64(b[shared + k]) }
                }
                return key
            }
        }
    }
}
