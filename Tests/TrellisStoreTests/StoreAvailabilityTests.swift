import GRDB
import Testing
@testable import TrellisStore

/// Which failures mean "the database cannot be reached, try again" (answered 503) and which do not.
@Suite struct StoreAvailabilityTests {
    @Test(arguments: [
        (ResultCode.SQLITE_BUSY, true), (.SQLITE_LOCKED, true), (.SQLITE_IOERR, true), (.SQLITE_FULL, true), (.SQLITE_CANTOPEN, true),
        (.SQLITE_CONSTRAINT, false), (.SQLITE_ERROR, false), (.SQLITE_CORRUPT, false),
    ])
    func sqliteFailures(_ code: ResultCode, _ unavailable: Bool) {
        #expect(StoreAvailability.isUnavailable(DatabaseError(resultCode: code)) == unavailable)
    }

    @Test func refusalsAreNotUnavailability() {
        #expect(!StoreAvailability.isUnavailable(StoreError.referralNotFound("ref-1")))
        #expect(!StoreAvailability.isUnavailable(StoreError.invalid(field: "x", reason: "y")))
    }
}
