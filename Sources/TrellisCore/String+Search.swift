import Foundation

extension StringProtocol {
    /// Whether the text holds `needle`, comparing UTF-8 bytes (case-sensitive). Foundation's
    /// `contains` goes through NSString on Linux, which costs microseconds per call on hot paths.
    public func containsBytes(_ needle: String) -> Bool {
        var haystack = String(self)
        var needle = needle
        return haystack.withUTF8 { h in
            needle.withUTF8 { n in
                guard n.count > 0 else { return true }
                guard h.count >= n.count, let hb = h.baseAddress, let nb = n.baseAddress else { return false }
                // memchr to each candidate first byte, then memcmp the rest.
                var offset = 0
                let last = h.count - n.count
                while offset <= last, let hit = memchr(hb + offset, Int32(nb[0]), last - offset + 1) {
                    let at = hb.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(hb + at, nb, n.count) == 0 { return true }
                    offset = at + 1
                }
                return false
            }
        }
    }
}
