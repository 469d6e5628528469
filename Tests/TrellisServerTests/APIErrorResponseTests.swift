import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisServer

/// `APIError` is an `HTTPResponseError`: even on a router without the envelope middleware it answers
/// with its own status and envelope, never a bare 500.
@Suite struct APIErrorResponseTests {
    @Test func anAPIErrorRendersItselfWithoutTheMiddleware() async throws {
        let router = Router(context: TrellisRequestContext.self)
        router.get("/refused") { _, _ -> Response in
            throw APIError(.conflict, code: "conflict", "the referral changed since it was read", field: "version")
        }
        try await Application(router: router).test(.router) { client in
            let response = try await client.execute(uri: "/refused", method: .get)
            #expect(response.status == .conflict)
            let envelope = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: [String: String]]
            #expect(envelope?["error"] == ["code": "conflict", "message": "the referral changed since it was read", "field": "version"])
        }
    }
}
