// Depends on nothing but Foundation: scripts/fuzz compiles this file into its request-header harness.

import Foundation

/// Reading the Standard Webhooks headers a sender controls, before any key is touched: a timestamp
/// of 1 to 12 ASCII digits (a number that cannot overflow, up to the year 33658) and at most
/// `maximumSignatures` signatures, so neither a huge number nor a long header costs more than a
/// bounded amount of work.
public enum WebhookHeaderFields {
    /// Signatures one message may carry: one per active secret, and rotation needs two or three.
    public static let maximumSignatures = 8
    static let maximumTimestampDigits = 12

    /// Whole seconds since 1970, or nil unless `text` is 1 to 12 ASCII digits (no sign, no spaces).
    public static func timestamp(_ text: String) -> Int? {
        let digits = text.utf8
        guard (1...maximumTimestampDigits).contains(digits.count) else { return nil }
        var value = 0
        for byte in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// The header's space-separated entries, or nil when there are more than `maximumSignatures`.
    /// Counting stops at the first entry too many, so a long header is not split in full.
    public static func signatures(_ text: String) -> [Substring]? {
        var entries: [Substring] = []
        for entry in text.split(separator: " ", omittingEmptySubsequences: true) {
            guard entries.count < maximumSignatures else { return nil }
            entries.append(entry)
        }
        return entries
    }

    /// The MAC of a `v1,<base64>` entry, or nil for another scheme or a value that is not the
    /// base64 of `length` bytes (its length is checked before anything is decoded).
    public static func version1MAC(_ entry: Substring, length: Int) -> [UInt8]? {
        guard entry.hasPrefix("v1,") else { return nil }
        let encoded = entry.dropFirst(3)
        guard encoded.utf8.count == (length + 2) / 3 * 4, let bytes = Data(base64Encoded: String(encoded)), bytes.count == length else {
            return nil
        }
        return Array(bytes)
    }

    /// Equal without revealing where they differ; the length is not secret.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
