public import Crypto

/// The audit trail, whatever stores it: append-only, hash-chained, verifiable against signed
/// checkpoints kept outside the database. SQLite and PostgreSQL pass one contract suite.
public protocol AuditLog: Sendable {
    /// Appends an entry at the end of the chain, in one transaction.
    @discardableResult
    func append(_ entry: AuditEntry) async throws -> SealedAuditRecord
    /// Appends entries in order, in one transaction (a group commit).
    @discardableResult
    func append(contentsOf entries: [AuditEntry]) async throws -> [SealedAuditRecord]
    /// Signs a checkpoint for the current head (at shutdown, so a removed tail is caught).
    func checkpoint() async throws
    func head() async throws -> SealedAuditRecord?
    /// Walks the whole chain in sequence order against the signed checkpoints; with `pinnedKey`, the
    /// checkpoints must be signed by that key (and the signing key on this machine must be it).
    func verify(pinnedKey: Curve25519.Signing.PublicKey?) async throws -> AuditChain.Verdict
    /// Up to `limit` records after `sequence`, in order: for export, page by page.
    func records(after sequence: Int64, limit: Int) async throws -> [SealedAuditRecord]
}

extension AuditLog {
    /// Against the signing key this store was opened with.
    public func verify() async throws -> AuditChain.Verdict { try await verify(pinnedKey: nil) }
}

