/// Whether a failure means the database cannot be reached or is shutting down (try again later) rather
/// than that the request or the data is wrong. The server answers the first kind 503 with Retry-After.
public enum StoreAvailability {
    public static func isUnavailable(_ error: any Error) -> Bool {
        error is StoreUnavailable || SQLiteDatabase.isUnavailable(error) || PostgresDatabase.isUnavailable(error)
    }
}
