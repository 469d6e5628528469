import Synchronization

/// Write transactions taking turns, first come first served: SQLite has one writer connection, and a
/// transaction holds it across the awaits between its statements.
final class WriterTurns: Sendable {
    private let state = Mutex<(busy: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    func take() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state -> Bool in
                guard state.busy else { state.busy = true; return true }
                state.waiting.append(waiter)
                return false
            }
            if granted { waiter.resume() }
        }
    }

    /// Hands the turn to the next waiter, if any.
    func pass() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else { state.busy = false; return nil }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
