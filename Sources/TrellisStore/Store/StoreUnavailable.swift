/// The database could not be reached in time; the request can be sent again later.
public struct StoreUnavailable: Error, CustomStringConvertible, Sendable {
    public let reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { "the database is unavailable: \(reason)" }
}
