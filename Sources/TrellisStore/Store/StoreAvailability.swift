import GRDB
import NIOCore
import PostgresNIO

/// Whether a failure means the database cannot be reached or is shutting down (try again later) rather
/// than that the request or the data is wrong. The server answers the first kind 503 with Retry-After.
public enum StoreAvailability {
    public static func isUnavailable(_ error: any Error) -> Bool {
        switch error {
        case is StoreUnavailable:
            return true
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
        case let error as DatabaseError:
            return [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_IOERR, .SQLITE_FULL, .SQLITE_CANTOPEN].contains(error.resultCode)
        case is IOError, is ChannelError:
            return true
        default:
            // postgres-nio's pool gives up on a database it cannot reach with a ConnectionPoolError
            // (from a module not meant to be imported): known by its type's name.
            return String(describing: type(of: error)) == "ConnectionPoolError"
        }
    }
}
