import NIOCore
import PostgresNIO

extension PostgresDatabase {
    /// Whether a failure means PostgreSQL cannot be reached or is shutting down. A pool that cannot
    /// lease a connection at all already answers `StoreUnavailable` (see `PostgresPool`).
    static func isUnavailable(_ error: any Error) -> Bool {
        switch error {
        case let error as PSQLError:
            switch error.code {
            case .clientClosedConnection, .serverClosedConnection, .connectionError, .uncleanShutdown, .poolClosed:
                return true
            case .server:
                // SQLSTATE class 08 (connection exception) and 57P01–57P03 (shutting down, cannot connect now).
                let state = error.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
            default:
                return false
            }
        case is IOError, is ChannelError:
            return true
        default:
            return false
        }
    }
}
