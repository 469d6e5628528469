import Synchronization

/// The directory in use. Readers take the current value without waiting for a reload; a reload
/// builds its value beside this one and swaps it in at once. `Value` is what is built from one
/// directory and must change together: the matching index alone (``LiveDirectoryIndex``), or the
/// index with what the server builds beside it.
public final class LiveDirectory<Value: Sendable>: Sendable {
    private let current: Mutex<Value>

    public init(_ value: Value) { current = Mutex(value) }

    /// The value to read from; stays valid however long the reader keeps it.
    public var snapshot: Value { current.withLock { $0 } }

    public func replace(with value: Value) {
        current.withLock { $0 = value }
    }
}

/// The matching index in use.
public typealias LiveDirectoryIndex = LiveDirectory<DirectoryIndex>
