import Foundation
import GRDB
import Logging
import PostgresNIO
@testable import TrellisStore

extension StoreHarness {
    /// Makes the database as a release that had migrations up to (not including) `firstNew` left it,
    /// so a test can put old rows in before the store migrates them.
    func migrate(before firstNew: String) async throws {
        switch backend {
        case .sqlite:
            let queue = try DatabaseQueue(path: databasePath)
            let migrator = SQLiteSchema.migrator(cipher: cipher)
            guard let last = migrator.migrations.prefix(while: { !$0.hasPrefix(firstNew) }).last else { throw HarnessError("no migration before \(firstNew)") }
            try migrator.migrate(queue, upTo: last)
            try queue.close()
        case .postgres:
            let logger = Logger(label: "trellis.tests.migrations")
            if postgresURL == nil { postgresURL = try await TestPostgres.freshSchemaURL(logger: logger) }
            var migrator = PostgresSchema.migrator(cipher: cipher)
            migrator.migrations = Array(migrator.migrations.prefix { !$0.name.hasPrefix(firstNew) })
            let client = PostgresClient(configuration: try PostgresURL.configuration(postgresURL!), backgroundLogger: logger)
            let runner = await client.runInBackground()
            defer { runner.cancel() }
            try await migrator.migrate(client, logger: logger)
        }
    }

    /// The first column of the first row, as text ("" when there is none).
    func text(_ sql: String) async throws -> String {
        switch backend {
        case .sqlite:
            let queue = try DatabaseQueue(path: databasePath)
            defer { try? queue.close() }
            return try await queue.read { db in try String.fetchOne(db, sql: sql) } ?? ""
        case .postgres:
            return try await TestPostgres.query(postgresURL!, sql, logger: Logger(label: "trellis.tests.migrations"))
        }
    }
}
