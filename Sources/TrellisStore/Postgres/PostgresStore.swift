import Foundation
public import Logging
public import PostgresNIO
import Synchronization
import TrellisCore

/// Everything Trellis keeps, in PostgreSQL, shared safely by several Trellis processes. Each change
/// commits with its audit records in one transaction; referral rows are locked while they change.
public final class PostgresStore: TrellisStore, Sendable {
    let client: PostgresClient
    let configuration: StoreConfiguration
    let auditLog: PostgresAuditLog
    let logger: Logger
    private let runner: Task<Void, Never>?
    public var audit: any AuditLog { auditLog }

    /// A store on a client the caller runs (`client.run()`), e.g. in the server's service group.
    public convenience init(client: PostgresClient, configuration: StoreConfiguration, logger: Logger) async throws {
        try await self.init(client: client, runner: nil, configuration: configuration, logger: logger)
    }

    private init(client: PostgresClient, runner: Task<Void, Never>?, configuration: StoreConfiguration, logger: Logger) async throws {
        self.client = client
        self.runner = runner
        self.configuration = configuration
        self.logger = logger
        do {
            try await PostgresSchema.migrator.migrate(client, logger: logger)
            auditLog = try await PostgresAuditLog(client: client, checkpoints: configuration.checkpoints, logger: logger)
        } catch {
            runner?.cancel()
            throw error
        }
    }

    /// Connects to `url` (`postgres://user:password@host:port/database?sslmode=…`) with a pool it owns.
    public static func connect(url: String, configuration: StoreConfiguration, logger: Logger) async throws -> PostgresStore {
        let client = PostgresClient(configuration: try PostgresURL.configuration(url), backgroundLogger: logger)
        let runner = Task { await client.run() }
        return try await PostgresStore(client: client, runner: runner, configuration: configuration, logger: logger)
    }

    public func close() async throws {
        defer { runner?.cancel() }
        try await auditLog.checkpoint()
    }

    /// One transaction whose audit records commit with it; due checkpoints are signed after. An error
    /// rolls everything back and reaches the caller as thrown.
    func transaction<T: Sendable>(_ body: (PostgresConnection, AuditRecorder) async throws -> T) async throws -> T {
        let recorder = AuditRecorder(logger: logger)
        let logger = self.logger
        let value: T = try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let value = try await body(connection, recorder)
                try await connection.query("COMMIT", logger: logger)
                return value
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
        try auditLog.committed(recorder.records)
        return value
    }

    static func first(_ rows: PostgresRowSequence) async throws -> PostgresRow? {
        for try await row in rows { return row }
        return nil
    }
}

/// Collects the audit records a transaction appends, for the checkpoints due after it commits.
final class AuditRecorder: Sendable {
    private let appended = Mutex<[SealedAuditRecord]>([])
    private let logger: Logger

    init(logger: Logger) { self.logger = logger }

    var records: [SealedAuditRecord] { appended.withLock { $0 } }

    func append(_ entry: AuditEntry, on connection: PostgresConnection) async throws {
        let record = try await PostgresAuditLog.append(entry, on: connection, logger: logger)
        appended.withLock { $0.append(record) }
    }
}
