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

    /// The bytes this record's hash covers besides the previous hash: its event's canonical JSON.
    public var canonicalBytes: Data { AuditCanonicalForm.bytes(of: event) }

    /// A record from its stored columns. A row that cannot even be read is reported as tampering.
    static func stored(sequence: Int64, at: String, actor: String, action: String, entity: String, entityID: String,
                       outcome: String, purpose: String?, sourceAddress: String?, detail: String?, hash: Data) throws -> SealedAuditRecord {
        // The stored time must be exactly the text that was hashed: a parser would accept other spellings
        // of the same instant, or trailing text, and the altered row would still verify.
        guard let time = AuditCanonicalForm.time(exactly: at),
              let action = AuditEvent.Action(rawValue: action), let outcome = AuditEvent.Outcome(rawValue: outcome)
        else { throw UnreadableAuditRecord(sequence: sequence) }
        let event = AuditEvent(sequence: sequence, at: time, actor: actor, action: action, entity: entity, entityID: entityID,
                               outcome: outcome, purpose: purpose, sourceAddress: sourceAddress, detail: detail)
        return SealedAuditRecord(event: event, hash: hash)
    }
}

public struct UnreadableAuditRecord: Error, CustomStringConvertible, Sendable {
    public var sequence: Int64
    public var description: String { "audit record \(sequence) cannot be read: it was altered outside Trellis" }

    var verdict: AuditChain.Verdict { .broken(sequence: sequence, reason: description) }
}
