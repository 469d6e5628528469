extension SQLStore: MonitoringRepository {
    public func operationalCounts() async throws -> OperationalCounts {
        try await plainRead { session in
            func grouped(_ sql: String) async throws -> [String: Int] {
                var result: [String: Int] = [:]
                for row in try await session.rows("\(unescaped: sql)") { result[try row[0]] = try row[1] }
                return result
            }
            var counts = OperationalCounts()
            counts.referralsByStatus = try await grouped(OperationalCounts.queries.referrals)
            counts.outboxByState = try await grouped(OperationalCounts.queries.outbox)
            counts.attemptsByOutcome = try await grouped(OperationalCounts.queries.attempts)
            return counts
        }
    }
}
