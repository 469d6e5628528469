public import Foundation

/// A receipt for the person: what of their data went to whom, when, under which consent, how to
/// revoke it, and the audit records that say so with the signed checkpoint that covers them, so the
/// county can prove the receipt against its audit trail (`trellis audit verify --receipt`).
/// It names categories and fields, never a value of the person's data.
public struct ReferralReceipt: Codable, Hashable, Sendable {
    public struct Recipient: Codable, Hashable, Sendable {
        public var organizationID: String
        public var organizationName: String
        public var serviceID: String
        public var serviceName: String

        enum CodingKeys: String, CodingKey {
            case organizationID = "organization_id", organizationName = "organization_name", serviceID = "service_id", serviceName = "service_name"
        }
    }

    public struct ConsentTerms: Codable, Hashable, Sendable {
        /// The consented categories' raw values (`contact`, `needs` …).
        public var categories: [String]
        /// The same, in plain words.
        public var inWords: [String]
        public var method: String
        public var capturedBy: String
        public var capturedAt: String
        public var expiresAt: String?
        public var revokedAt: String?
        /// The audit record of the consent's capture.
        public var auditSequence: Int64

        enum CodingKeys: String, CodingKey {
            case categories, method
            case inWords = "in_words", capturedBy = "captured_by", capturedAt = "captured_at", expiresAt = "expires_at",
                 revokedAt = "revoked_at", auditSequence = "audit_sequence"
        }
    }

    /// One category that went, and the fields it carries (names, never values).
    public struct Shared: Codable, Hashable, Sendable {
        public var category: String
        public var inWords: String
        public var fields: [String]

        enum CodingKeys: String, CodingKey { case category, fields, inWords = "in_words" }
    }

    /// One disclosure: sent to the agency's system, pulled by it, or opened in its Trellis inbox.
    public struct Delivery: Codable, Hashable, Sendable {
        /// The audit record's time (canonical form, milliseconds, UTC).
        public var at: String
        public var how: String
        public var categories: [String]
        public var auditSequence: Int64

        enum CodingKeys: String, CodingKey { case at, how, categories, auditSequence = "audit_sequence" }
    }

    public struct Revocation: Codable, Hashable, Sendable {
        public var sentence: String
        /// The API route that revokes the consent (POST).
        public var route: String
        /// The referral page, whose button revokes it.
        public var page: String
    }

    /// An audit record as the trail holds it, cited whole so each field can be compared.
    public struct AuditRecord: Codable, Hashable, Sendable {
        public var sequence: Int64
        public var at: String
        public var actor: String
        public var action: String
        public var entity: String
        public var entityID: String
        public var outcome: String
        public var detail: String?
        /// SHA-256 chaining the record to every one before it, hex.
        public var hash: String

        enum CodingKeys: String, CodingKey {
            case sequence, at, actor, action, entity, outcome, detail, hash
            case entityID = "entity_id"
        }
    }

    /// The signed checkpoint at or after the last cited record.
    public struct Checkpoint: Codable, Hashable, Sendable {
        public var sequence: Int64
        /// The record's hash the checkpoint vouches for, hex.
        public var hash: String
        public var at: String
        /// Ed25519 signature, base64.
        public var signature: String
        /// The audit key's public half, base64, and its fingerprint, as `trellis serve` prints them.
        public var publicKey: String
        public var fingerprint: String

        enum CodingKeys: String, CodingKey {
            case sequence, hash, at, signature, fingerprint
            case publicKey = "public_key"
        }
    }

    public struct Proof: Codable, Hashable, Sendable {
        public var records: [AuditRecord]
        public var checkpoint: Checkpoint?
    }

    public var referralID: String
    public var issuedAt: String
    public var sharedWith: Recipient
    public var consent: ConsentTerms
    public var shared: [Shared]
    public var deliveries: [Delivery]
    public var revoke: Revocation
    public var audit: Proof

    enum CodingKeys: String, CodingKey {
        case consent, shared, deliveries, revoke, audit
        case referralID = "referral_id", issuedAt = "issued_at", sharedWith = "shared_with"
    }
}
