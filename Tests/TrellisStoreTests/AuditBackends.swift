import Crypto
import Foundation
import GRDB
import Logging
import PostgresNIO
import Testing
import TrellisCore
@testable import TrellisStore

/// The storage backends every audit-log contract test runs against.
enum AuditBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// Opens a fresh audit log on a backend, and lets a test play the intruder with direct database
/// access: drop the triggers, then run any SQL.
final class AuditHarness: @unchecked Sendable {
    let backend: AuditBackend
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString)")
    let key = Curve25519.Signing.PrivateKey()
    var checkpointPath: String { folder.appendingPathComponent("audit-checkpoints.jsonl").path }
    private var pool: DatabasePool?
    private var client: PostgresClient?
    private var runner: Task<Void, Never>?
    private let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    private let logger = Logger(label: "trellis.tests.audit")

    init(_ backend: AuditBackend) throws {
        self.backend = backend
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Runs `body` with a log, and always closes what it opened.
    static func with(_ backend: AuditBackend, every: Int64 = 100, _ body: (AuditHarness, any AuditLog) async throws -> Void) async throws {
        let harness = try AuditHarness(backend)
        defer { harness.close() }
        try await body(harness, try await harness.open(every: every))
    }

    func open(every: Int64 = 100, signed: Bool = true) async throws -> any AuditLog {
        let book = signed ? AuditCheckpointBook(path: checkpointPath, key: key, every: every) : nil
        switch backend {
        case .sqlite:
            if pool == nil { pool = try SQLiteDatabase.openPool(path: folder.appendingPathComponent("trellis.sqlite").path) }
            return try SQLiteAuditLog(database: pool!, checkpoints: book)
        case .postgres:
            if client == nil { try await startClient() }
            return try await PostgresAuditLog(client: PostgresPool(client: client!), checkpoints: book, logger: logger)
        }
    }

    private func startClient() async throws {
        guard let raw = ProcessInfo.processInfo.environment["TRELLIS_TEST_POSTGRES_URL"], let url = URLComponents(string: raw),
              let host = url.host, let port = url.port, let user = url.user else {
            throw HarnessError("TRELLIS_TEST_POSTGRES_URL is not set: run scripts/test, which starts a throwaway PostgreSQL on 127.0.0.1")
        }
        let database = String(url.path.dropFirst())
        // A schema of its own per test, made through a first client, then used as the search path.
        let admin = PostgresClient(configuration: .init(host: host, port: port, username: user, password: url.password,
                                                        database: database, tls: .disable), backgroundLogger: logger)
        let adminRunner = await admin.runInBackground()
        try await admin.query("CREATE SCHEMA \(unescaped: schema)", logger: logger)
        adminRunner.cancel()
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: url.password,
                                                         database: database, tls: .disable)
        configuration.options.additionalStartupParameters = [("search_path", schema)]
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        runner = await client.runInBackground()
        self.client = client
    }

    /// Direct database access with the triggers dropped.
    func tamper(_ statements: [String]) async throws {
        switch backend {
        case .sqlite:
            guard let pool else { return }
            try await pool.write { db in
                try db.execute(sql: "DROP TRIGGER IF EXISTS audit_event_no_update; DROP TRIGGER IF EXISTS audit_event_no_delete")
                for statement in statements { try db.execute(sql: statement) }
            }
        case .postgres:
            guard let client else { return }
            for statement in ["DROP TRIGGER IF EXISTS audit_event_no_update ON audit_event",
                              "DROP TRIGGER IF EXISTS audit_event_no_delete ON audit_event"] + statements {
                try await client.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
    }

    /// Runs one statement as a user would, triggers in place; throws what the database says.
    func attempt(_ statement: String) async throws {
        switch backend {
        case .sqlite: try await pool?.write { db in try db.execute(sql: statement) }
        case .postgres: try await client?.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
    }

    func bytesLiteral(_ hex: String) -> String {
        backend == .sqlite ? "X'\(hex)'" : "'\\x\(hex)'::bytea"
    }

    func close() {
        runner?.cancel()
        try? FileManager.default.removeItem(at: folder)
    }

    static func entry(_ i: Int) -> AuditEntry {
        AuditEntry(at: Date(timeIntervalSince1970: 1_795_000_000 + Double(i) * 0.731), actor: "cw-\(i % 5)",
                   action: AuditEvent.Action.allCases[i % 5], entity: "referral", entityID: "R-\(i)",
                   purpose: "treatment", sourceAddress: "127.0.0.1", detail: "status change \(i)")
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
