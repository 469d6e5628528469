import Foundation
import TrellisCore

/// Everything Trellis keeps, on SQLite (`SQLiteStore`) or PostgreSQL (`PostgresStore`): each operation
/// written once, over the backend's `StoreDatabase`. Each change commits with its audit records in one
/// transaction; a read's records are durable before its answer leaves.
public final class SQLStore<Database: StoreDatabase>: TrellisStore, Sendable {
    let database: Database
    let configuration: StoreConfiguration
    let trail: AuditTrail<Database>
    /// Appends on their own are group-committed; appends inside a change commit with it.
    public let audit: any AuditLog

    /// A store on a database whose schema is migrated.
    init(database: Database, configuration: StoreConfiguration) {
        self.database = database
        self.configuration = configuration
        trail = AuditTrail(database: database, checkpoints: configuration.checkpoints)
        audit = GroupCommitAuditLog(trail)
    }

    /// Signs a final audit checkpoint and releases connections.
    public func close() async throws {
        try await trail.checkpoint()
        try await database.close()
    }

    /// One write transaction whose audit records commit with it; due checkpoints are signed after.
    func change<T: Sendable>(_ body: (any SQLSession, AuditRecorder) async throws -> T) async throws -> T {
        let recorder = AuditRecorder()
        let (value, sealed) = try await database.write { session in
            let value = try await body(session, recorder)
            return (value, try await trail.append(recorder.take(), in: session))
        }
        try trail.committed(sealed)
        return value
    }

    /// Reads outside a write transaction; what it recorded (found, refused or not found alike) is
    /// group-committed before the answer or the error reaches the caller.
    func reading<T: Sendable>(_ body: (any SQLSession, AuditRecorder) async throws -> T) async throws -> T {
        let recorder = AuditRecorder()
        let result: Result<T, any Error>
        do { result = .success(try await database.read { session in try await body(session, recorder) }) } catch { result = .failure(error) }
        for entry in recorder.take() { try await audit.append(entry) }
        return try result.get()
    }

    /// Reads with no audit record (ids and documents that are not a person's data).
    func plainRead<T: Sendable>(_ body: (any SQLSession) async throws -> T) async throws -> T {
        try await database.read(body)
    }
}
