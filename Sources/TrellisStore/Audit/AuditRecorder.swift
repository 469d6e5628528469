import Synchronization

/// The audit entries a store operation records, in order. In a change they join the chain just before
/// the transaction commits (so the chain's turn is held only for the commit); after a read they are
/// group-committed before the answer leaves. Either way no answer leaves before its record is durable.
final class AuditRecorder: Sendable {
    private let pending = Mutex<[AuditEntry]>([])

    func record(_ entry: AuditEntry) {
        pending.withLock { $0.append(entry) }
    }

    /// The entries recorded so far, handed over once.
    func take() -> [AuditEntry] {
        pending.withLock { entries in defer { entries = [] }; return entries }
    }
}
