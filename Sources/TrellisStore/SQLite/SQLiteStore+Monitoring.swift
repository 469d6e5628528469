import Foundation
import GRDB

extension SQLiteStore: MonitoringRepository {
    public func operationalCounts() async throws -> OperationalCounts {
        try await pool.read { db in
            var counts = OperationalCounts()
            func grouped(_ sql: String) throws -> [String: Int] {
                Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: sql).map { ($0[0] as String, $0[1] as Int) })
            }
            counts.referralsByStatus = try grouped(OperationalCounts.queries.referrals)
            counts.outboxByState = try grouped(OperationalCounts.queries.outbox)
            counts.attemptsByOutcome = try grouped(OperationalCounts.queries.attempts)
            return counts
        }
    }
}
