public import Crypto
public import Foundation
public import TrellisCore

/// The hash chain that makes the audit trail tamper-evident: each record's hash covers the
/// previous record's hash and its own canonical JSON, so changing, removing, inserting or
/// reordering any record breaks every hash after it. A chain can still be rewritten whole by
/// someone with the database; signed checkpoints (`AuditCheckpoint`), kept outside it, catch that.
public enum AuditChain {
    /// The "previous hash" of the first record.
    public static let genesis = Data(repeating: 0, count: 32)

    public static func seal(_ event: AuditEvent, after previous: Data) -> SealedAuditRecord {
        SealedAuditRecord(event: event, hash: hash(event, after: previous))
    }

    public static func hash(_ event: AuditEvent, after previous: Data) -> Data {
        var scratch = JSONTextWriter(capacity: 256)
        return hash(event, after: previous, scratch: &scratch)
    }

    /// The hash, writing the canonical form into `scratch` (emptied first): a walk over a long chain
    /// reuses one buffer instead of allocating one per record.
    static func hash(_ event: AuditEvent, storedAt: String? = nil, after previous: Data, scratch: inout JSONTextWriter) -> Data {
        scratch.reset()
        AuditCanonicalForm.write(event, storedAt: storedAt, into: &scratch)
        var hasher = SHA256()
        hasher.update(data: previous)
        scratch.bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Data(hasher.finalize())
    }

    /// What a walk of the chain found.
    public enum Verdict: Equatable, Sendable {
        /// Every record and every checkpoint holds.
        case intact(records: Int, checkpoints: Int)
        /// The first record (by position in the chain) that does not hold, and why.
        case broken(sequence: Int64, reason: String)
    }

    /// Walks records in stored order against the chain and the checkpoints.
    /// - Parameter publicKey: the key the checkpoints must be signed with.
    public static func verify(_ records: some Sequence<SealedAuditRecord>, checkpoints: [AuditCheckpoint] = [],
                              publicKey: Curve25519.Signing.PublicKey? = nil) -> Verdict {
        var verifier = Verifier(checkpoints: checkpoints, publicKey: publicKey)
        for record in records {
            if let broken = verifier.check(record) { return broken }
        }
        return verifier.finish()
    }

    /// Verification one record at a time, so a database cursor can stream a chain of any length.
    public struct Verifier: Sendable {
        private let checkpoints: [AuditCheckpoint]
        private let vouched: [Int64: Data]
        private var failure: Verdict?
        private var expected: Int64 = 1
        private var previous = AuditChain.genesis
        private var count = 0
        private var scratch = JSONTextWriter(capacity: 512)

        /// A checkpoint is written every `every` records to `file`: a chain that long with none means the
        /// checkpoints were removed.
        private let expectedCheckpoint: (every: Int64, file: String)?

        public init(checkpoints: [AuditCheckpoint], publicKey: Curve25519.Signing.PublicKey?,
                    expectedCheckpoint: (every: Int64, file: String)? = nil) {
            self.checkpoints = checkpoints
            self.expectedCheckpoint = expectedCheckpoint
            vouched = Dictionary(checkpoints.map { ($0.sequence, $0.hash) }, uniquingKeysWith: { first, _ in first })
            for checkpoint in checkpoints {
                guard let publicKey else {
                    failure = .broken(sequence: checkpoint.sequence, reason: "checkpoints given without the key that signs them")
                    break
                }
                guard checkpoint.isSigned(by: publicKey) else {
                    failure = .broken(sequence: checkpoint.sequence, reason: "checkpoint \(checkpoint.sequence) is not signed by the audit key")
                    break
                }
            }
        }

        /// Checks the next stored record; returns the verdict once something does not hold.
        /// - Parameter storedAt: the record's time as read from the store, when it was checked to be
        ///   the canonical text of `record.event.at` (saves writing it again).
        public mutating func check(_ record: SealedAuditRecord, storedAt: String? = nil) -> Verdict? {
            if let failure { return failure }
            let sequence = record.event.sequence
            if sequence != expected {
                let why = sequence > expected
                    ? "record \(expected) is missing (the next stored record is \(sequence))"
                    : "record \(sequence) is out of place (record \(expected) was expected here)"
                failure = .broken(sequence: min(sequence, expected), reason: why)
                return failure
            }
            let computed = AuditChain.hash(record.event, storedAt: storedAt, after: previous, scratch: &scratch)
            guard computed == record.hash else {
                failure = .broken(sequence: sequence, reason: "record \(sequence) does not match its hash: it was altered, or a record before it was removed, inserted or reordered")
                return failure
            }
            if let signed = vouched[sequence], signed != computed {
                failure = .broken(sequence: sequence, reason: "record \(sequence) differs from what the signed checkpoint recorded: the chain was rewritten")
                return failure
            }
            previous = computed
            expected += 1
            count += 1
            return nil
        }

        /// Fails the walk before it starts (a replaced signing key).
        mutating func fail(_ verdict: Verdict) {
            if failure == nil { failure = verdict }
        }

        /// The verdict after the last record.
        public func finish() -> Verdict {
            if let failure { return failure }
            if let expectedCheckpoint, checkpoints.isEmpty, expectedCheckpoint.every > 0, Int64(count) >= expectedCheckpoint.every {
                return .broken(sequence: expectedCheckpoint.every, reason: """
                    the chain has \(count) records but no signed checkpoint: the checkpoint file \(expectedCheckpoint.file) is missing \
                    or empty (one is written every \(expectedCheckpoint.every) records); restore it from a backup
                    """)
            }
            if let beyond = checkpoints.map(\.sequence).filter({ $0 >= expected }).min() {
                return .broken(sequence: expected, reason: "the chain ends at record \(expected - 1) but a signed checkpoint vouches for record \(beyond): records were removed")
            }
            return .intact(records: count, checkpoints: checkpoints.count)
        }
    }
}
