public import Foundation

/// One touch of a person's data or of the system's state, as the audit trail records it: who did
/// what to which record, when, with what outcome and for what purpose. Ids only — never a
/// person's data.
public struct AuditEvent: Codable, Hashable, Sendable {
    /// Create, read, update, delete, execute (a disclosure or another action), as FHIR
    /// AuditEvent.action codes them.
    public enum Action: String, Vocabulary, Hashable, Sendable {
        public static let vocabularyName = "audit action"

        case create = "C", read = "R", update = "U", delete = "D", execute = "E"
    }

    public enum Outcome: String, Vocabulary, Hashable, Sendable {
        public static let vocabularyName = "audit outcome"

        case success, failure, denied
    }

    /// Position in the chain, from 1, without gaps.
    public var sequence: Int64
    public var at: Date
    /// A user id, `partner:ID` or `system`.
    public var actor: String
    public var action: Action
    /// What was touched (`referral`, `person`, `consent`, `directory`, `session`).
    public var entity: String
    public var entityID: String
    public var outcome: Outcome
    /// Why (`treatment`, `coordination`, `operations`, `security`).
    public var purpose: String?
    public var sourceAddress: String?
    /// A short note in ids and codes (`status requested→accepted`), never a person's data.
    public var detail: String?

    public init(sequence: Int64, at: Date, actor: String, action: Action, entity: String, entityID: String,
                outcome: Outcome = .success, purpose: String? = nil, sourceAddress: String? = nil, detail: String? = nil) {
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.action = action
        self.entity = entity
        self.entityID = entityID
        self.outcome = outcome
        self.purpose = purpose
        self.sourceAddress = sourceAddress
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case sequence, at, actor, action, entity, outcome, purpose, detail
        case entityID = "entity_id", sourceAddress = "source_address"
    }
}
