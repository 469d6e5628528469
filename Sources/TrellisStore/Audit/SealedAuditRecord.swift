public import Foundation
public import TrellisCore

/// An audit event as stored: with the SHA-256 that chains it to every record before it.
public struct SealedAuditRecord: Hashable, Sendable {
    public var event: AuditEvent
    /// SHA-256 over the previous record's hash and this event's canonical JSON.
    public var hash: Data

    public init(event: AuditEvent, hash: Data) {
        self.event = event
        self.hash = hash
    }

    public var hashHex: String { hash.map { String(format: "%02x", $0) }.joined() }
}
