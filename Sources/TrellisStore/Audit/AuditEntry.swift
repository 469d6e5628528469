public import Crypto
public import Foundation
public import TrellisCore

/// An audit event before the log gives it its place in the chain.
public struct AuditEntry: Hashable, Sendable {
    public var at: Date
    public var actor: String
    public var action: AuditEvent.Action
    public var entity: String
    public var entityID: String
    public var outcome: AuditEvent.Outcome
    public var purpose: String?
    public var sourceAddress: String?
    public var detail: String?

    public init(at: Date = Date(), actor: String, action: AuditEvent.Action, entity: String, entityID: String,
                outcome: AuditEvent.Outcome = .success, purpose: String? = nil, sourceAddress: String? = nil, detail: String? = nil) {
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

    func event(sequence: Int64) -> AuditEvent {
        AuditEvent(sequence: sequence, at: at, actor: actor, action: action, entity: entity, entityID: entityID,
                   outcome: outcome, purpose: purpose, sourceAddress: sourceAddress, detail: detail)
    }
}

/// Where checkpoints go: a file outside the database, and the key that signs them.
public struct AuditCheckpointBook: Sendable {
    public var path: String
    /// A checkpoint is signed after every this many records (and on `checkpoint()`, at shutdown).
    public var every: Int64
    /// The key's raw bytes: the key type itself is not Sendable.
    private let keyBytes: Data

    public init(path: String, key: Curve25519.Signing.PrivateKey, every: Int64 = 1_000) {
        self.path = path
        self.keyBytes = key.rawRepresentation
        self.every = every
    }

    public func signingKey() throws -> Curve25519.Signing.PrivateKey {
        try Curve25519.Signing.PrivateKey(rawRepresentation: keyBytes)
    }

    func append(_ checkpoint: AuditCheckpoint) throws {
        let line = Data((checkpoint.jsonLine + "\n").utf8)
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw AuditSigningKey.Failure(description: "\(path): cannot create the checkpoint file")
            }
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: line)
        try handle.synchronize()
    }

    /// Signs a checkpoint for `record` when one is due (every `every` records).
    func signIfDue(_ record: SealedAuditRecord) throws {
        if record.event.sequence % every == 0 { try sign(record) }
    }

    func sign(_ record: SealedAuditRecord) throws {
        try append(AuditCheckpoint(signing: record, at: Date(), with: signingKey()))
    }

    /// Signs a checkpoint for the head unless the last one already covers it (at shutdown).
    func signHead(_ head: SealedAuditRecord) throws {
        if let last = try read().last, last.sequence == head.event.sequence, last.hash == head.hash { return }
        try sign(head)
    }

    /// A verifier holding this book's checkpoints, their signatures already checked (against
    /// `pinnedKey` when given, which the signing key must then be).
    func verifier(pinnedKey: Curve25519.Signing.PublicKey? = nil) throws -> AuditChain.Verifier {
        let own = try signingKey().publicKey
        let checkpoints = try read()
        var verifier = AuditChain.Verifier(checkpoints: checkpoints, publicKey: pinnedKey ?? own,
                                           expectedCheckpoint: (every: every, file: path))
        if let pinnedKey, pinnedKey.rawRepresentation != own.rawRepresentation {
            verifier.fail(.broken(sequence: checkpoints.first?.sequence ?? 1, reason: """
                the audit signing key here (\(AuditSigningKey.fingerprint(own))) is not the pinned key \
                (\(AuditSigningKey.fingerprint(pinnedKey))): it was replaced
                """))
        }
        return verifier
    }

    public func read() throws -> [AuditCheckpoint] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return try AuditCheckpoint.read(jsonLines: String(decoding: data, as: UTF8.self))
    }
}
