import Foundation

/// Byte-level helpers for the JSON scanner and parser, where most of a file's bytes are string
/// contents that only need to be skipped or copied.
enum JSONBytes {
    /// The index of the first byte at or after `from` that ends a run of plain string contents:
    /// a quote, a backslash, a newline (or, with `stopAtControl`, any control character).
    /// memchr finds the quote; one branch-free pass checks the run for anything special.
    @inline(__always)
    static func skipPlainString(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, stopAtControl: Bool = false) -> Int {
        guard let base = bytes.baseAddress, start < bytes.count else { return start }
        let count = bytes.count
        let end: Int
        if let quote = memchr(base + start, Int32(UInt8(ascii: "\"")), count - start) {
            end = base.distance(to: quote.assumingMemoryBound(to: UInt8.self))
        } else {
            end = count
        }
        var special: UInt8 = 0
        for i in start..<end {
            let b = base[i]
            special |= (b == UInt8(ascii: "\\") ? 1 : 0) | (b < 0x20 ? 1 : 0)
        }
        if special == 0 { return end }
        // Rare: step to the first special byte.
        var i = start
        while i < end {
            let b = base[i]
            if b == UInt8(ascii: "\\") || b == 0x0A || (stopAtControl && b < 0x20) { return i }
            i += 1
        }
        return end
    }
}
