import Logging
import PostgresNIO

/// Versioned migrations for PostgreSQL: each named migration runs once, in its own transaction,
/// with every Trellis process that starts at the same time waiting for the first.
struct PostgresMigrator {
    struct Migration {
        var name: String
        var statements: [String]
        /// Work SQL alone cannot do (sealing with the data key), after the statements, in the same transaction.
        var code: (@Sendable (PostgresConnection, Logger) async throws -> Void)?
    }

    var migrations: [Migration] = []

    mutating func register(_ name: String, _ statements: [String],
                           code: (@Sendable (PostgresConnection, Logger) async throws -> Void)? = nil) {
        migrations.append(Migration(name: name, statements: statements, code: code))
    }

    func migrate(_ client: PostgresClient, logger: Logger) async throws {
        for migration in migrations {
            try await client.withTransaction(logger: logger) { connection in
                // In this schema only (see `PostgresDatabase.takeTurns`).
                try await connection.query("SELECT pg_advisory_xact_lock(hashtext(coalesce(current_schema(), '') || ':trellis_migrations'))", logger: logger)
                try await connection.query("CREATE TABLE IF NOT EXISTS trellis_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", logger: logger)
                let applied = try await connection.query("SELECT 1 FROM trellis_migration WHERE name = \(migration.name)", logger: logger)
                for try await _ in applied { return }
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await migration.code?(connection, logger)
                try await connection.query("INSERT INTO trellis_migration (name) VALUES (\(migration.name))", logger: logger)
            }
        }
    }
}
