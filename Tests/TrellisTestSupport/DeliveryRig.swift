import Crypto
public import Foundation
import Logging
public import TrellisCore
public import TrellisDelivery
public import TrellisStore

/// A SQLite store in a temporary folder with one service per organization, referrals to create,
/// and workers set to retry in milliseconds instead of minutes.
public struct DeliveryRig: Sendable {
    public let folder: URL
    public let store: SQLiteStore

    public static let organizations = ["ORG-42", "ORG-7"]

    /// With `directory: false`, nothing is imported yet (a server not ready to take referrals).
    public static func make(directory: Bool = true) async throws -> DeliveryRig {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-delivery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let configuration = StoreConfiguration(cipher: PersonCipher(key: SymmetricKey(size: .bits256)), checkpoints: nil)
        let store = try SQLiteStore(path: folder.appendingPathComponent("trellis.sqlite").path, configuration: configuration)
        let services = organizations.map { organization in
            Service(id: "svc-\(organization)", name: "Shelter at \(organization)", organizationID: organization, organizationName: "Agency \(organization)",
                    categories: [NeedCategory(.housing, "emergency_shelter")], languages: ["en"],
                    provenance: Provenance(format: .hsds, source: "test", file: "test.json", recordKey: organization, line: 1))
        }
        let rig = DeliveryRig(folder: folder, store: store)
        if directory {
            _ = try await store.storeDirectory(services, files: ["test.json"], source: nil, replacement: .addAndUpdate, context: AuditContext(actor: "admin-1", purpose: "operations"))
            try await rig.receiveEverywhere()
        }
        return rig
    }

    /// Gives every organization in the stored directory a partner entry in the store, so referrals to it
    /// are accepted (a referral nobody could receive is refused); which endpoint a delivery goes to is
    /// the worker's `PartnerBook`, as in `serve`. An organization that already has a partner keeps it.
    public func receiveEverywhere() async throws {
        let organizations = Set(try await store.storedServices().map(\.organizationID))
        for organization in organizations.sorted() where try await store.partner(answeringFor: organization) == nil {
            try await store.savePartner(Self.partner("rig-\(organization)", endpoint: "http://127.0.0.1:9/referrals", organizations: [organization]),
                                        context: AuditContext(actor: "admin-1", purpose: "operations"))
        }
    }

    @discardableResult
    public func refer(_ count: Int = 1, to organization: String = "ORG-42", categories: Set<Consent.Category> = [.contact, .needs]) async throws -> [Referral] {
        var referrals: [Referral] = []
        for i in 0..<count {
            var profile = DeliveryFixtures.profile
            profile.person.ref = "P-\(organization)-\(i)-\(UUID().uuidString.prefix(6))"
            let consent = Consent(recipient: organization, categories: categories, method: .verbal, capturedBy: "cw-7",
                                  capturedAt: Date().addingTimeInterval(-3_600))
            referrals.append(try await store.createReferral(NewReferral(profile: profile, serviceID: "svc-\(organization)", consent: consent),
                                                            context: AuditContext(actor: "cw-7", purpose: "treatment")))
        }
        return referrals
    }

    public static func partner(_ id: String, endpoint: String, organizations: [String] = ["ORG-42"], secret: String = DeliveryFixtures.secret,
                        caBundle: String? = nil) -> Partner {
        Partner(id: id, organizations: organizations, endpoint: URL(string: endpoint)!, format: .fhirR4, signingSecrets: [secret], caBundle: caBundle)
    }

    /// Retries within milliseconds (scale 0.001), a short lease and request limits, the breaker after 3.
    public static func settings(concurrency: Int = 1, timeout: Duration = .seconds(5)) -> DeliverySettings {
        var settings = DeliverySettings(concurrency: concurrency, batchSize: 16, lease: 10,
                                        transport: TransportSettings(connectTimeout: .seconds(2), totalTimeout: timeout),
                                        breakerThreshold: 3, breakerCoolDown: 60, idlePoll: 0.02)
        settings.retry.scale = 0.001
        return settings
    }

    /// A worker whose clock is `now` (a test moves it past a lease instead of waiting the lease out).
    public func worker(_ partners: [Partner], settings: DeliverySettings = DeliveryRig.settings(),
                       now: @escaping @Sendable () -> Date = Date.init) throws -> DeliveryWorker {
        var logger = Logger(label: "trellis.tests.delivery")
        logger.logLevel = .error
        return DeliveryWorker(store: store, partners: try PartnerBook(partners), client: CurlClient(concurrency: settings.concurrency),
                              settings: settings, logger: logger, now: now)
    }

    public func outbox(_ referral: Referral) async throws -> OutboxEntry {
        guard let entry = try await store.outboxEntry(referralID: referral.id) else { throw CocoaError(.fileNoSuchFile) }
        return entry
    }

    public func close() async {
        try? await store.close()
        try? FileManager.default.removeItem(at: folder)
    }
}
