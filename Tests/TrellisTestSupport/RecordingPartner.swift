public import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
public import Synchronization
import TrellisDelivery

/// A partner that verifies each request's Standard Webhooks signature with its secret, answers 201, and
/// keeps every body it accepted (a bad signature is answered 401 and counted). `failFirst` requests
/// are answered 503 first, to see retries.
public final class RecordingPartner: Sendable {
    public struct Received: Sendable {
        public var contentType: String
        public var idempotencyKey: String
        public var body: Data

        public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:] }
    }

    public let received = Mutex<[Received]>([])
    public let badSignatures = Mutex(0)
    private let failures = Mutex(0)
    let secret: String
    let failFirst: Int

    public init(secret: String = DeliveryFixtures.secret, failFirst: Int = 0) {
        self.secret = secret
        self.failFirst = failFirst
    }

    public var all: [Received] { received.withLock { $0 } }

    public var router: Router<BasicRequestContext> {
        let router = Router()
        router.post("/in") { request, _ -> Response in
            var request = request
            let body = Data(buffer: try await request.collectBody(upTo: 1_024 * 1_024))
            let headers = request.headers
            do {
                try StandardWebhooks.verify(headers: { name in HTTPField.Name(name).flatMap { headers[$0] } }, body: body,
                                            secrets: [try WebhookSecret(self.secret)], now: Date())
            } catch {
                self.badSignatures.withLock { $0 += 1 }
                return Response(status: .unauthorized)
            }
            if self.failures.withLock({ count -> Bool in count += 1; return count <= self.failFirst }) {
                return Response(status: .serviceUnavailable)
            }
            self.received.withLock {
                $0.append(Received(contentType: headers[.contentType] ?? "", idempotencyKey: headers[HTTPField.Name("Idempotency-Key")!] ?? "",
                                   body: body))
            }
            return Response(status: .created)
        }
        return router
    }
}
