import Crypto
import Foundation
import GRDB
import Logging
import PostgresNIO
import Testing
import TrellisCore
@testable import TrellisStore

/// A fresh store on a backend: SQLite in a temporary folder, or PostgreSQL in a schema of its own on
/// the throwaway cluster scripts/test starts. Also direct database access, to look behind the store.
final class StoreHarness: @unchecked Sendable {
    let backend: AuditBackend
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
    let cipher = PersonCipher(key: SymmetricKey(size: .bits256))
    let signingKey = Curve25519.Signing.PrivateKey()
    var databasePath: String { folder.appendingPathComponent("trellis.sqlite").path }
    var postgresURL: String?
    private let logger = Logger(label: "trellis.tests.store")
    private var opened: [any TrellisStore] = []

    init(_ backend: AuditBackend) throws {
        self.backend = backend
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// `recipients`: whether the directory's organizations get partners (endpoints) that receive
    /// referrals; tests of the partner list itself start without.
    static func with(_ backend: AuditBackend, calendar: BusinessCalendar = BusinessCalendar(), recipients: Bool = true,
                     _ body: (StoreHarness, any TrellisStore) async throws -> Void) async throws {
        let harness = try StoreHarness(backend)
        do {
            let store = try await harness.open(calendar: calendar)
            try await Self.seed(store, recipients: recipients)
            try await body(harness, store)
        } catch {
            await harness.close()
            throw error
        }
        await harness.close()
    }

    func configuration(cipher: PersonCipher? = nil, calendar: BusinessCalendar = BusinessCalendar()) -> StoreConfiguration {
        StoreConfiguration(cipher: cipher ?? self.cipher,
                           checkpoints: AuditCheckpointBook(path: folder.appendingPathComponent("checkpoints.jsonl").path, key: signingKey, every: 50),
                           calendar: calendar,
                           // A loaded CI machine can take seconds to open a connection; the bound itself is PostgresPoolTests' job.
                           connectionWait: .seconds(30))
    }

    /// Another store on the same database (another process, or the same one with another key).
    func open(cipher: PersonCipher? = nil, calendar: BusinessCalendar = BusinessCalendar()) async throws -> any TrellisStore {
        let store: any TrellisStore
        switch backend {
        case .sqlite:
            store = try SQLiteStore(path: databasePath, configuration: configuration(cipher: cipher, calendar: calendar))
        case .postgres:
            if postgresURL == nil { postgresURL = try await TestPostgres.freshSchemaURL(logger: logger) }
            store = try await PostgresStore.connect(url: postgresURL!, configuration: configuration(cipher: cipher, calendar: calendar), logger: logger)
        }
        opened.append(store)
        return store
    }

    func close() async {
        for store in opened { try? await store.close() }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Every byte the database keeps about people, as stored: the SQLite files, or the rows of
    /// PostgreSQL's tables rendered as text.
    func storedBytes() async throws -> Data {
        switch backend {
        case .sqlite:
            var bytes = Data()
            for suffix in ["", "-wal", "-shm"] {
                if let data = FileManager.default.contents(atPath: databasePath + suffix) { bytes.append(data) }
            }
            return bytes
        case .postgres:
            let text = try await TestPostgres.query(postgresURL!, """
                SELECT coalesce(string_agg(t::text, ' '), '') FROM (
                    SELECT p::text AS t FROM person p UNION ALL SELECT n::text FROM needs_profile n
                    UNION ALL SELECT r::text FROM referral r UNION ALL SELECT a::text FROM audit_event a
                    UNION ALL SELECT h::text FROM referral_history h UNION ALL SELECT c::text FROM consent c) rows
                """, logger: logger)
            return Data(text.utf8)
        }
    }

    /// Runs SQL directly, behind the store's back.
    func execute(_ sql: String) async throws {
        switch backend {
        case .sqlite:
            let queue = try DatabaseQueue(path: databasePath)
            try await queue.write { db in try db.execute(sql: sql) }
            try queue.close()
        case .postgres:
            _ = try await TestPostgres.query(postgresURL!, sql, logger: logger)
        }
    }

    // MARK: - A small directory and the people referred to it

    static let shelter = service("svc-shelter", "ORG-SHELTER", NeedCategory(.housing, "emergency_shelter"))
    static let ips = service("svc-ips", "ORG-WORK", NeedCategory(.employment, "supported_employment"))
    static let clinic = service("svc-clinic", "ORG-CLINIC", NeedCategory(.clinical, "counseling"))

    static func service(_ id: String, _ organization: String, _ category: NeedCategory) -> Service {
        Service(id: id, name: "Service \(id)", organizationID: organization, organizationName: "Org \(organization)",
                categories: [category], languages: ["en"],
                provenance: Provenance(format: .hsds, source: "test", file: "test.json", recordKey: id, line: 1))
    }

    static func seed(_ store: any TrellisStore, recipients: Bool = true) async throws {
        let admin = AuditContext(actor: "admin-1", purpose: "operations")
        _ = try await store.storeDirectory([shelter, ips, clinic], files: ["test.json"], source: nil, replacement: .addAndUpdate, context: admin)
        guard recipients else { return }
        for service in [shelter, ips, clinic] {
            let name = service.organizationID.lowercased()
            try await store.savePartner(Partner(id: "p-\(name)", organizations: [service.organizationID],
                                                endpoint: URL(string: "https://\(name).example.org/referrals")!), context: admin)
        }
    }

    static let capturedAt = Date(timeIntervalSince1970: 1_793_491_200)  // 2026-11-01

    static func profile(ref: String = "P-1042", name: String? = "Maria Quintero-Vasquez") -> NeedsProfile {
        var person = NeedsProfile.Person(ref: ref, age: 34, gender: .female, languages: ["es", "en"], county: "Douglas", state: "NE")
        person.name = name
        person.phone = name == nil ? nil : "+1-402-555-0199"
        person.email = name == nil ? nil : "maria.q@example.org"
        return NeedsProfile(person: person, needs: [.init(.housing, "emergency_shelter", urgency: .urgent), .init(.clinical, "counseling")])
    }

    static func consent(_ recipient: String = "ORG-SHELTER", _ categories: Set<Consent.Category> = [.contact, .demographics, .needs],
                        expires: Date? = nil) -> Consent {
        Consent(recipient: recipient, categories: categories, method: .verbal, capturedBy: "cw-7", capturedAt: capturedAt,
                // Captured on a fixed day before every fixed clock the tests use, in force for a year from
                // today: tests on the real clock keep passing whatever the date.
                expiresAt: expires ?? Date().addingTimeInterval(365 * 86_400))
    }

    static func request(_ service: Service = shelter, ref: String = "P-1042", draft: Bool = false, note: String? = nil) -> NewReferral {
        NewReferral(profile: profile(ref: ref), serviceID: service.id, consent: consent(service.organizationID), draft: draft, note: note)
    }

    static func at(_ text: String) -> Date { try! Date.ISO8601FormatStyle().parse(text) }
    static func caseWorker(_ now: Date = Date()) -> AuditContext { AuditContext(actor: "cw-7", now: now) }
    static func agency(_ now: Date = Date()) -> AuditContext { AuditContext(actor: "partner:shelter", purpose: "coordination", now: now) }
}

/// The throwaway PostgreSQL cluster scripts/test starts.
enum TestPostgres {
    static func baseURL() throws -> String {
        guard let raw = ProcessInfo.processInfo.environment["TRELLIS_TEST_POSTGRES_URL"], !raw.isEmpty else {
            throw HarnessError("TRELLIS_TEST_POSTGRES_URL is not set: run scripts/test, which starts a throwaway PostgreSQL on 127.0.0.1")
        }
        return raw
    }

    /// A URL whose connections use a new, empty schema.
    static func freshSchemaURL(logger: Logger) async throws -> String {
        let base = try baseURL()
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        _ = try await query(base, "CREATE SCHEMA \(schema)", logger: logger)
        return base + (base.contains("?") ? "&" : "?") + "search_path=\(schema)"
    }

    /// Runs one statement on a short-lived client; returns the first column of the first row as text.
    static func query(_ url: String, _ sql: String, logger: Logger) async throws -> String {
        let client = PostgresClient(configuration: try PostgresURL.configuration(url), backgroundLogger: logger)
        let runner = await client.runInBackground()
        defer { runner.cancel() }
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        var first = ""
        for try await row in rows {
            if first.isEmpty, let text = try? row.makeRandomAccess()[0].decode(String.self) { first = text }
        }
        return first
    }
}
