import Foundation
import Logging
import PostgresNIO

extension PostgresStore: MonitoringRepository {
    public func operationalCounts() async throws -> OperationalCounts {
        var counts = OperationalCounts()
        func grouped(_ sql: String) async throws -> [String: Int] {
            var result: [String: Int] = [:]
            for row in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger) {
                let (key, count) = try row.decode((String, Int).self)
                result[key] = count
            }
            return result
        }
        counts.referralsByStatus = try await grouped(OperationalCounts.queries.referrals)
        counts.outboxByState = try await grouped(OperationalCounts.queries.outbox)
        counts.attemptsByOutcome = try await grouped(OperationalCounts.queries.attempts)
        return counts
    }
}
