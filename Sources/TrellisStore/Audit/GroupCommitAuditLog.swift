public import Crypto
import Synchronization
import TrellisCore

/// Group commit for audit records appended on their own (a ranking, a sign-in, a read): while one
/// transaction commits, the entries that arrive wait and go together in the next one. Each caller
/// still returns only once its record is durable, but a busy server pays one commit for many
/// requests instead of one each.
public final class GroupCommitAuditLog: AuditLog, Sendable {
    typealias Waiter = (entry: AuditEntry, continuation: CheckedContinuation<SealedAuditRecord, any Error>)

    private let log: any AuditLog
    private let queue = Mutex<(waiting: [Waiter], committing: Bool)>(([], false))
    /// At most this many entries per transaction, so one commit never grows without bound.
    static let batchLimit = 512

    public init(_ log: any AuditLog) { self.log = log }

    @discardableResult
    public func append(_ entry: AuditEntry) async throws -> SealedAuditRecord {
        try await withCheckedThrowingContinuation { continuation in
            let leads = queue.withLock { state -> Bool in
                state.waiting.append((entry, continuation))
                guard !state.committing else { return false }
                state.committing = true
                return true
            }
            // The first caller to find no commit under way commits for everyone until the queue is empty.
            if leads { Task { await self.commitUntilEmpty() } }
        }
    }

    private func commitUntilEmpty() async {
        while true {
            let batch = queue.withLock { state -> [Waiter] in
                let batch = Array(state.waiting.prefix(Self.batchLimit))
                state.waiting.removeFirst(batch.count)
                if batch.isEmpty { state.committing = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let sealed = try await log.append(contentsOf: batch.map(\.entry))
                for (waiter, record) in zip(batch, sealed) { waiter.continuation.resume(returning: record) }
            } catch {
                for waiter in batch { waiter.continuation.resume(throwing: error) }
            }
        }
    }

    @discardableResult
    public func append(contentsOf entries: [AuditEntry]) async throws -> [SealedAuditRecord] { try await log.append(contentsOf: entries) }
    public func checkpoint() async throws { try await log.checkpoint() }
    public func head() async throws -> SealedAuditRecord? { try await log.head() }
    public func verify(pinnedKey: Curve25519.Signing.PublicKey?) async throws -> AuditChain.Verdict { try await log.verify(pinnedKey: pinnedKey) }
    public func records(after sequence: Int64, limit: Int) async throws -> [SealedAuditRecord] { try await log.records(after: sequence, limit: limit) }
}
