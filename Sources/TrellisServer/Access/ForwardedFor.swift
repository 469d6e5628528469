// Depends on nothing but Foundation: scripts/fuzz compiles this file into its request-header harness.
import Foundation

/// The client's address behind a reverse proxy. `X-Forwarded-For` is believed only when the
/// connection comes from a trusted proxy (`--trusted-proxy`); then the client is the rightmost entry
/// that is not itself a trusted proxy (entries further left were written by the client and may be
/// anything). From any other peer the header is ignored: the peer is the client.
public struct ForwardedFor: Sendable {
    /// Entries looked at from the right; a longer chain of proxies is not believed.
    static let maximumHops = 16
    public let trustedProxies: Set<String>

    /// No trusted proxy: every peer is the client.
    public static let direct = ForwardedFor(trusted: [])

    private init(trusted: Set<String>) { trustedProxies = trusted }

    /// `addresses` are IP addresses; anything else is refused with the reason.
    public init(trustedProxies addresses: [String]) throws(ForwardedForError) {
        var trusted: Set<String> = []
        for address in addresses {
            guard let normalized = Self.ipAddress(address) else { throw ForwardedForError(address: address) }
            trusted.insert(normalized)
        }
        trustedProxies = trusted
    }

    /// The client's address for a connection from `peer` carrying these `X-Forwarded-For` values.
    public func client(peer: String?, forwardedFor values: [String]) -> String? {
        guard let peer, !trustedProxies.isEmpty, trustedProxies.contains(Self.ipAddress(peer) ?? peer) else { return peer }
        var hops = 0
        for value in values.reversed() {
            for entry in value.split(separator: ",", omittingEmptySubsequences: false).reversed() {
                hops += 1
                guard hops <= Self.maximumHops, let address = Self.ipAddress(Self.withoutPort(entry)) else { return peer }
                if !trustedProxies.contains(address) { return address }
            }
        }
        return peer
    }

    /// An IPv4 or IPv6 address in its usual written form, or nil when `text` is not one.
    public static func ipAddress<S: StringProtocol>(_ text: S) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.count <= 45 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, trimmed, &v4) == 1 { return format(AF_INET, &v4, length: Int(INET_ADDRSTRLEN)) }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, trimmed, &v6) == 1 { return format(AF_INET6, &v6, length: Int(INET6_ADDRSTRLEN)) }
        return nil
    }

    /// `[v6]:port` and `v4:port` as some proxies write them, without the port.
    static func withoutPort(_ entry: Substring) -> Substring {
        let trimmed = entry.drop { $0 == " " || $0 == "\t" }
        if trimmed.hasPrefix("["), let close = trimmed.firstIndex(of: "]") {
            return trimmed[trimmed.index(after: trimmed.startIndex)..<close]
        }
        if trimmed.contains("."), let colon = trimmed.firstIndex(of: ":"), trimmed.filter({ $0 == ":" }).count == 1 {
            return trimmed[..<colon]
        }
        return trimmed
    }

    private static func format(_ family: Int32, _ address: UnsafeRawPointer, length: Int) -> String? {
        var buffer = [CChar](repeating: 0, count: length)
        guard inet_ntop(family, address, &buffer, socklen_t(length)) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

public struct ForwardedForError: Error, CustomStringConvertible, Sendable {
    public var address: String
    public var description: String { "--trusted-proxy: \(address) is not an IP address" }
}
