public import Foundation
public import TrellisCore

/// Who is acting, from where and why. Every store call that touches a person's data takes one and
/// leaves an audit record with it.
public struct AuditContext: Hashable, Sendable {
    /// A user id, `partner:ID` or `system`.
    public var actor: String
    public var sourceAddress: String?
    /// `treatment`, `coordination`, `operations` or `security`.
    public var purpose: String
    /// The moment the action happens (tests and imports may fix it).
    public var now: Date

    public init(actor: String, sourceAddress: String? = nil, purpose: String = "treatment", now: Date = Date()) {
        self.actor = actor
        self.sourceAddress = sourceAddress
        self.purpose = purpose
        self.now = now
    }

    /// An audit entry for this actor, moment and purpose.
    public func entry(_ action: AuditEvent.Action, _ entity: String, _ id: String, outcome: AuditEvent.Outcome = .success,
               purpose: String? = nil, detail: String? = nil) -> AuditEntry {
        AuditEntry(at: now, actor: actor, action: action, entity: entity, entityID: id, outcome: outcome,
                   purpose: purpose ?? self.purpose, sourceAddress: sourceAddress, detail: detail)
    }
}
