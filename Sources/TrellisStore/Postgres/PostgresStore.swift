import Foundation
public import Logging
public import PostgresNIO

/// Everything Trellis keeps, in PostgreSQL.
public typealias PostgresStore = SQLStore<PostgresDatabase>
/// The audit trail alone, in PostgreSQL.
public typealias PostgresAuditLog = AuditTrail<PostgresDatabase>

extension SQLStore where Database == PostgresDatabase {
    /// A store on a client the caller runs (`client.run()`), e.g. in the server's service group.
    public convenience init(client: PostgresClient, configuration: StoreConfiguration, logger: Logger) async throws {
        let database = try await PostgresDatabase.migrated(client: client, wait: configuration.connectionWait, runner: nil,
                                                           cipher: configuration.cipher, logger: logger)
        self.init(database: database, configuration: configuration)
    }

    /// Connects to `url` (`postgres://user:password@host:port/database?sslmode=…`) with a pool it owns.
    public static func connect(url: String, configuration: StoreConfiguration, logger: Logger) async throws -> PostgresStore {
        let client = PostgresClient(configuration: try PostgresURL.configuration(url), backgroundLogger: logger)
        let runner = await client.runInBackground()
        do {
            let database = try await PostgresDatabase.migrated(client: client, wait: configuration.connectionWait, runner: runner,
                                                               cipher: configuration.cipher, logger: logger)
            return PostgresStore(database: database, configuration: configuration)
        } catch {
            runner.cancel()
            throw error
        }
    }
}

extension AuditTrail where Database == PostgresDatabase {
    /// The trail on a running client, migrated.
    public convenience init(client pool: PostgresPool, checkpoints book: AuditCheckpointBook?, logger: Logger) async throws {
        let database = PostgresDatabase(client: pool.client, wait: pool.wait, runner: nil, logger: logger)
        try await database.migrateAuditTrail()
        self.init(database: database, checkpoints: book)
    }
}

extension PostgresDatabase {
    /// A database whose tables are migrated.
    static func migrated(client: PostgresClient, wait: Duration, runner: Task<Void, Never>?, cipher: PersonCipher,
                         logger: Logger) async throws -> PostgresDatabase {
        try await PostgresSchema.migrator(cipher: cipher).migrate(client, logger: logger)
        return PostgresDatabase(client: client, wait: wait, runner: runner, logger: logger)
    }

    /// The audit trail's table: append-only (triggers refuse UPDATE, DELETE and TRUNCATE).
    static var auditMigrator: PostgresMigrator {
        var migrator = PostgresMigrator()
        migrator.register("audit-1: append-only, hash-chained audit events", [
            """
            CREATE TABLE audit_event (
                sequence bigint PRIMARY KEY,
                at text NOT NULL,
                actor text NOT NULL,
                action text NOT NULL,
                entity text NOT NULL,
                entity_id text NOT NULL,
                outcome text NOT NULL,
                purpose text,
                source_address text,
                detail text,
                hash bytea NOT NULL)
            """,
            """
            CREATE FUNCTION trellis_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'audit records are append-only'; END $$
            """,
            "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event FOR EACH ROW EXECUTE FUNCTION trellis_audit_append_only()",
            "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event FOR EACH ROW EXECUTE FUNCTION trellis_audit_append_only()",
            "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event FOR EACH STATEMENT EXECUTE FUNCTION trellis_audit_append_only()",
        ])
        return migrator
    }
}
