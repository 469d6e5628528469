import Foundation
public import Logging
public import PostgresNIO
import Synchronization
import TrellisCore

/// Everything Trellis keeps, in PostgreSQL, shared safely by several Trellis processes. Each change
/// commits with its audit records in one transaction; referral rows are locked while they change.
public final class PostgresStore: TrellisStore, Sendable {
    /// The pool, with a bound on the wait for a connection.
    let client: PostgresPool
    let configuration: StoreConfiguration
    let auditLog: PostgresAuditLog
    let logger: Logger
    private let runner: Task<Void, Never>?
    /// Appends on their own are group-committed; appends inside a change commit with it.
    public let audit: any AuditLog

    /// A store on a client the caller runs (`client.run()`), e.g. in the server's service group.
    public convenience init(client: PostgresClient, configuration: StoreConfiguration, logger: Logger) async throws {
        try await self.init(client: client, runner: nil, configuration: configuration, logger: logger)
    }

    private init(client: PostgresClient, runner: Task<Void, Never>?, configuration: StoreConfiguration, logger: Logger) async throws {
        self.client = PostgresPool(client: client, wait: configuration.connectionWait)
        self.runner = runner
        self.configuration = configuration
        self.logger = logger
        do {
            try await PostgresSchema.migrator(cipher: configuration.cipher).migrate(client, logger: logger)
            let log = try await PostgresAuditLog(client: self.client, checkpoints: configuration.checkpoints, logger: logger)
            auditLog = log
            audit = GroupCommitAuditLog(log)
        } catch {
            runner?.cancel()
            throw error
        }
    }

    /// Connects to `url` (`postgres://user:password@host:port/database?sslmode=…`) with a pool it owns.
    public static func connect(url: String, configuration: StoreConfiguration, logger: Logger) async throws -> PostgresStore {
        let client = PostgresClient(configuration: try PostgresURL.configuration(url), backgroundLogger: logger)
        let runner = await client.runInBackground()
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
        let value: T = try await client.withTransaction(logger: logger) { connection in
            let value = try await body(connection, recorder)
            try await recorder.flush(on: connection)
            return value
        }
        try auditLog.committed(recorder.records)
        return value
    }

    static func first(_ rows: PostgresRowSequence) async throws -> PostgresRow? {
        for try await row in rows { return row }
        return nil
    }
}

/// Collects the audit entries a transaction records; they join the chain together just before it
/// commits, so the chain's lock is held only for the commit itself.
final class AuditRecorder: Sendable {
    private let pending = Mutex<[AuditEntry]>([])
    private let appended = Mutex<[SealedAuditRecord]>([])
    private let logger: Logger

    init(logger: Logger) { self.logger = logger }

    /// The records sealed into the chain, for the checkpoints due once the transaction commits.
    var records: [SealedAuditRecord] { appended.withLock { $0 } }

    func record(_ entry: AuditEntry) {
        pending.withLock { $0.append(entry) }
    }

    func flush(on connection: PostgresConnection) async throws {
        let entries = pending.withLock { entries in defer { entries = [] }; return entries }
        let sealed = try await PostgresAuditLog.append(entries, on: connection, logger: logger)
        appended.withLock { $0.append(contentsOf: sealed) }
    }
}
