import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
import TrellisServer
import TrellisStore
import TrellisTestSupport

/// A partner's system answering with its partner token instead of a signature: only for itself,
/// only for referrals addressed to it, and a retried answer with the same Idempotency-Key counts once.
@Suite struct PartnerTokenRouteTests {
    typealias F = APIFixture

    @Test func aPartnerTokenAnswersForItsOwnReferralsOnly() async throws {
        let fixture = try await F.make()
        let ours = try await AccessMatrixTests.refer(fixture, by: .caseworkerA, to: "ORG-42")
        let theirs = try await AccessMatrixTests.refer(fixture, by: .caseworkerA, to: "ORG-7")
        try await fixture.test { client in
            var headers = fixture.headers(.partner42)
            headers[.init("Idempotency-Key")!] = "answer-1"
            let accept = ByteBuffer(string: #"{"referral_id": "\#(ours)", "status": "accepted"}"#)
            let accepted = try await client.execute(uri: "/v1/partners/p42/status", method: .post, headers: headers, body: accept)
            #expect(accepted.status == .ok, "\(String(buffer: accepted.body))")
            #expect(try F.json(accepted)["status"] as? String == "accepted")

            let replayed = try await client.execute(uri: "/v1/partners/p42/status", method: .post, headers: headers, body: accept)
            #expect(replayed.status == .conflict, "the same Idempotency-Key counts once")

            headers[.init("Idempotency-Key")!] = String(repeating: "k", count: 201)
            let tooLong = try await client.execute(uri: "/v1/partners/p42/status", method: .post, headers: headers, body: accept)
            #expect(tooLong.status == .badRequest)
            #expect(try F.errorField(tooLong) == "Idempotency-Key")

            headers[.init("Idempotency-Key")!] = "answer-2"
            let other = try await client.execute(uri: "/v1/partners/p42/status", method: .post, headers: headers,
                                                 body: ByteBuffer(string: #"{"referral_id": "\#(theirs)", "status": "accepted"}"#))
            #expect(other.status == .forbidden || other.status == .notFound, "\(String(buffer: other.body))")

            let elsewhere = try await client.execute(uri: "/v1/partners/p7/status", method: .post, headers: headers, body: accept)
            #expect(elsewhere.status == .forbidden, "a token answers only for its own partner")

            let caseworker = try await client.execute(uri: "/v1/partners/p42/status", method: .post, headers: fixture.headers(.caseworkerA), body: accept)
            #expect(caseworker.status == .forbidden, "a person's token is not a partner's")

            let unsigned = try await client.execute(uri: "/v1/partners/p42/status", method: .post, headers: [.contentType: "application/json"], body: accept)
            #expect(unsigned.status == .unauthorized, "without a token the signature is required")
        }
    }

    /// A token and signature headers together: the headers would go unchecked, so the pair is refused
    /// and nothing changes (schemathesis's ignored_auth check found the token excusing a forged signature).
    @Test(arguments: ["webhook-signature", "webhook-timestamp", "webhook-id"])
    func aTokenBesideSignatureHeadersIsRefused(_ header: String) async throws {
        let fixture = try await F.make()
        let ours = try await AccessMatrixTests.refer(fixture, by: .caseworkerA, to: "ORG-42")
        try await fixture.test { client in
            var headers = fixture.headers(.partner42)
            headers[.init("Idempotency-Key")!] = "answer-with-\(header)"
            headers[.init(header)!] = header == "webhook-signature" ? "v1,bm90LWEtc2lnbmF0dXJl" : "-2"
            let accept = ByteBuffer(string: #"{"referral_id": "\#(ours)", "status": "accepted"}"#)
            let refused = try await client.execute(uri: "/v1/partners/p42/status", method: .post, headers: headers, body: accept)
            #expect(refused.status == .unauthorized, "\(String(buffer: refused.body))")
            #expect(try F.errorField(refused) == header)
            let read = try F.json(try await client.execute(uri: "/v1/referrals/\(ours)", method: .get, headers: fixture.headers(.caseworkerA)))
            #expect(read["status"] as? String == "requested", "nothing changed")
        }
    }
}
