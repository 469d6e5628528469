import Foundation
public import TrellisCore

/// What a store needs besides its database: the data key, where audit checkpoints go, and the
/// business calendar that response deadlines count in.
public struct StoreConfiguration: Sendable {
    public var cipher: PersonCipher
    public var checkpoints: AuditCheckpointBook?
    public var calendar: BusinessCalendar
    /// For organizations no partner entry covers.
    public var responseDeadlineBusinessDays: Int
    /// How long a request waits for a PostgreSQL connection before it is answered "unavailable".
    public var connectionWait: Duration
    /// Days from a referral completed with "service started" to the case worker's follow-up.
    public var followUpDays: Int = 30

    public init(cipher: PersonCipher, checkpoints: AuditCheckpointBook?, calendar: BusinessCalendar = BusinessCalendar(),
                responseDeadlineBusinessDays: Int = 2, connectionWait: Duration = .seconds(3)) {
        self.connectionWait = connectionWait
        self.cipher = cipher
        self.checkpoints = checkpoints
        self.calendar = calendar
        self.responseDeadlineBusinessDays = responseDeadlineBusinessDays
    }

    /// The response deadline for a referral sent at `date` to a partner with `days` (or the default).
    func deadline(businessDays days: Int?) -> (Date) -> Date {
        let calendar = self.calendar
        let days = days ?? responseDeadlineBusinessDays
        return { calendar.adding(businessDays: days, to: $0) }
    }

    /// The follow-up day for a referral whose service started at `date`, in the county's calendar.
    func followUpDay(after date: Date) -> CalendarDay {
        calendar.day(of: date).adding(days: max(1, min(followUpDays, 3_650)))
    }
}
