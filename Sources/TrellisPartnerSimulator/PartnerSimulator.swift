public import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
import TrellisDelivery

/// A partner agency for demos, tests and load: receives referrals, verifies their Standard Webhooks
/// signatures, dedupes on Idempotency-Key, fails at a chosen rate, and later answers each referral by
/// posting a signed status update back to Trellis (or lets Trellis poll it).
public struct PartnerSimulator: Sendable {
    public struct Settings: Sendable {
        public var secret: String
        /// Seconds after receipt the agency accepts; nil: it never answers.
        public var acceptAfter: TimeInterval?
        /// Share of new referrals answered 500 (0...1).
        public var failRate: Double
        /// Where answers are posted, e.g. `http://127.0.0.1:8080/v1/partners/harbor-house/status`; nil: poll only.
        public var callback: URL?
        /// Seconds a new referral is held (received and recorded) before the 201 goes back: a slow agency.
        public var responseDelay: TimeInterval

        public init(secret: String, acceptAfter: TimeInterval? = nil, failRate: Double = 0, callback: URL? = nil, responseDelay: TimeInterval = 0) {
            self.secret = secret
            self.acceptAfter = acceptAfter
            self.failRate = failRate
            self.callback = callback
            self.responseDelay = responseDelay
        }
    }

    public let settings: Settings
    public let ledger: SimulatorLedger
    let secrets: [WebhookSecret]
    let client: CurlClient
    let logger: Logger

    public init(settings: Settings, ledger: SimulatorLedger = SimulatorLedger(), logger: Logger) throws {
        self.settings = settings
        self.ledger = ledger
        self.secrets = [try WebhookSecret(settings.secret)]
        self.client = CurlClient(concurrency: 2)
        self.logger = logger
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/referrals") { request, context in try await self.receive(request, context) }
        router.post("/") { request, context in try await self.receive(request, context) }
        router.get("/referrals/:id") { _, context in try self.task(context.parameters.require("id")) }
        router.get("/stats") { _, _ in try Self.json(self.ledger.counts) }
        router.get("/receipts") { _, _ in try Self.json(["receipts": self.ledger.receipts]) }
        // A drill ends an injected outage without restarting the agency: {"fail_rate": 0}.
        router.put("/fail-rate") { request, context in try await self.setFailRate(request, context) }
        return router
    }

    /// The simulator as an application on `host:port` (0: any free port, reported to `onRunning`).
    public func application(host: String = "127.0.0.1", port: Int, onRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        Application(router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "partner-sim"),
                    onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }

    func receive(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        var request = request
        let body = Data(buffer: try await request.collectBody(upTo: 4 * 1_024 * 1_024))
        let headers = request.headers
        do {
            try StandardWebhooks.verify(headers: { name in HTTPField.Name(name).flatMap { headers[$0] } }, body: body,
                                        secrets: secrets, now: Date())
        } catch {
            ledger.count { $0.badSignatures += 1 }
            return try Self.json(["error": "signature: \(error)"], status: .unauthorized)
        }
        guard let key = HTTPField.Name("Idempotency-Key").flatMap({ headers[$0] }), !key.isEmpty else {
            return try Self.json(["error": "the Idempotency-Key header is required"], status: .badRequest)
        }
        if Self.isPartnerMessage(body) {
            // A consent revocation or a case worker's message about a referral it holds: taken, not a new referral.
            ledger.count { $0.partnerMessages += 1 }
            return try Self.json(["received": "message"], status: .accepted)
        }
        guard let referralID = Self.referralID(in: body) else {
            return try Self.json(["error": "no referral id: expected referral_id, or a Bundle with a Task identifier"], status: .unprocessableContent)
        }
        if ledger.receipt(idempotencyKey: key) != nil {
            _ = ledger.record(SimulatorLedger.Receipt(referralID: referralID, idempotencyKey: key, receivedAt: Date(), status: "requested"))
            return try Self.json(["referral_id": referralID, "duplicate": "true"], status: .ok)
        }
        let failRate = ledger.failRateOverride ?? settings.failRate
        if failRate > 0 && Double.random(in: 0..<1) < failRate {
            ledger.count { $0.injectedFailures += 1 }
            return try Self.json(["error": "simulated failure"], status: .internalServerError)
        }
        _ = ledger.record(SimulatorLedger.Receipt(referralID: referralID, idempotencyKey: key, receivedAt: Date(), status: "requested"))
        if let delay = settings.acceptAfter {
            Task { await self.answer(referralID, key: key, after: delay) }
        }
        if settings.responseDelay > 0 { try await Task.sleep(for: .seconds(settings.responseDelay)) }
        return try Self.json(["referral_id": referralID, "duplicate": "false"], status: .created)
    }

    func setFailRate(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        struct Change: Decodable { var failRate: Double; enum CodingKeys: String, CodingKey { case failRate = "fail_rate" } }
        var request = request
        let body = Data(buffer: try await request.collectBody(upTo: 1_024))
        guard let change = try? JSONDecoder().decode(Change.self, from: body), (0...1).contains(change.failRate) else {
            return try Self.json(["error": "expected {\"fail_rate\": a number from 0 to 1}"], status: .badRequest)
        }
        ledger.failRateOverride = change.failRate
        return try Self.json(["fail_rate": change.failRate], status: .ok)
    }

    /// Accepts the referral after `delay`, posting a signed status update when there is a callback.
    func answer(_ referralID: String, key: String, after delay: TimeInterval) async {
        try? await Task.sleep(for: .seconds(delay))
        ledger.answer(key, status: "accepted")
        guard let callback = settings.callback else { return }
        do {
            let body = try JSONSerialization.data(withJSONObject: ["referral_id": referralID, "status": "accepted"], options: [.sortedKeys])
            let messageID = "msg_" + UUID().uuidString.lowercased()
            let headers = [("Content-Type", "application/json")] + StandardWebhooks.headers(id: messageID, timestamp: Date(), body: body, secrets: secrets)
            let response = try await client.send(OutgoingRequest(method: .post, url: callback, headers: headers, body: body),
                                                 settings: TransportSettings(), connectionKey: "callback")
            ledger.count { (200..<300).contains(response.status) ? ($0.callbacksSent += 1) : ($0.callbacksFailed += 1) }
            if !(200..<300).contains(response.status) {
                logger.warning("status callback refused", metadata: ["referral.id": "\(referralID)", "http.status": "\(response.status)"])
            }
        } catch {
            ledger.count { $0.callbacksFailed += 1 }
            logger.warning("status callback failed", metadata: ["referral.id": "\(referralID)", "error": "\(error)"])
        }
    }

    /// The referral as a FHIR Task, for partners Trellis polls.
    func task(_ referralID: String) throws -> Response {
        guard let receipt = ledger.receipt(referralID: referralID) else {
            return try Self.json(["error": "no referral \(referralID)"], status: .notFound)
        }
        let task: [String: Any] = ["resourceType": "Task", "identifier": [["system": "urn:trellis:referral", "value": referralID]],
                                   "status": receipt.status, "intent": "order"]
        return Self.response(try JSONSerialization.data(withJSONObject: task, options: [.sortedKeys]), status: .ok, type: "application/fhir+json")
    }

    /// A Trellis partner message (`{"type": "consent.revoked"|"message", …}`), or a FHIR Consent or Communication.
    static func isPartnerMessage(_ body: Data) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return false }
        // A FHIR Bundle has a `type` too ("transaction"): only Trellis's own message types count.
        return ["consent.revoked", "message"].contains(object["type"] as? String ?? "")
            || ["Consent", "Communication"].contains(object["resourceType"] as? String ?? "")
    }

    /// `referral_id` of a referral document, or the Task identifier of a FHIR Bundle.
    static func referralID(in body: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
        if let id = object["referral_id"] as? String { return id }
        let entries = object["entry"] as? [[String: Any]] ?? []
        for resource in entries.compactMap({ $0["resource"] as? [String: Any] }) where resource["resourceType"] as? String == "Task" {
            if let identifier = (resource["identifier"] as? [[String: Any]])?.first, let value = identifier["value"] as? String { return value }
        }
        return nil
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return response(try encoder.encode(value), status: status, type: "application/json")
    }

    static func response(_ data: Data, status: HTTPResponse.Status, type: String) -> Response {
        Response(status: status, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
