import TrellisCore

/// An e-mail address as it goes into the SMTP envelope and the From and To headers: one `@`, no
/// white space, no angle brackets, quotes or control characters, so it can neither break a command
/// line nor start a header of its own.
public struct MailAddress: Hashable, Sendable, CustomStringConvertible {
    public let address: String

    /// Nil when `text` (trimmed) is not a plain address.
    public init?(_ text: String) {
        let address = text.trimmingWhitespace()
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, address.utf8.count <= 254, parts[0].utf8.count <= 64,
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !parts[1].contains("..")
        else { return nil }
        let forbidden: Set<Unicode.Scalar> = ["<", ">", "\"", "(", ")", ",", ";", ":", "\\", "[", "]"]
        guard !address.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F || forbidden.contains($0) })
        else { return nil }
        self.address = address
    }

    /// The part after `@`, for the Message-ID.
    public var domain: String { String(address[address.index(after: address.firstIndex(of: "@")!)...]) }

    public var description: String { address }
}
