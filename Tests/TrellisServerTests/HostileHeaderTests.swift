import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TrellisCore
import TrellisDelivery
import TrellisServer
import TrellisStore
import TrellisTestSupport

/// Partners' signature headers as an attacker writes them, through the real application: numbers
/// that do not fit, and more signatures than any sender needs. Each is refused with 401
/// `bad_signature` naming the header, cheaply, and the server goes on answering.
@Suite struct HostileHeaderTests {
    /// Everything but 1 to 12 ASCII digits: the extremes of Int, one past them, signs, spaces,
    /// exponents, other digits, empty.
    static let badTimestamps = ["-9223372036854775808", "9223372036854775807", "9223372036854775808", "-1", "+1800000000",
                                " 1800000000", "1800000000 ", "1e9", "", "1234567890123", "١٨٠٠٠٠٠٠٠٠", "0x6B49D200"]

    struct Answer {
        var method: HTTPRequest.Method
        var path: String
        var body: String
    }

    static func answers(_ referral: Referral) -> [Answer] {
        [Answer(method: .post, path: "/v1/partners/p42/status", body: #"{"referral_id": "\#(referral.id)", "status": "accepted"}"#),
         Answer(method: .put, path: "/fhir/Task/\(referral.id)",
                body: #"{"resourceType": "Task", "status": "accepted", "intent": "order"}"#)]
    }

    /// Standard Webhooks headers for `body`, with `change` applied to them.
    static func signed(_ body: String, id: String = "msg_\(UUID().uuidString)", change: (inout HTTPFields) -> Void = { _ in }) throws -> HTTPFields {
        var fields: HTTPFields = [.contentType: "application/json"]
        for (name, value) in StandardWebhooks.headers(id: id, timestamp: Date(), body: Data(body.utf8), secrets: [try WebhookSecret(DeliveryFixtures.secret)]) {
            fields[HTTPField.Name(name)!] = value
        }
        change(&fields)
        return fields
    }

    static let timestampHeader = HTTPField.Name("webhook-timestamp")!
    static let signatureHeader = HTTPField.Name("webhook-signature")!

    static func error(_ response: TestResponse) throws -> (code: String?, field: String?) {
        let error = try APIFixture.json(response)["error"] as? [String: Any]
        return (error?["code"] as? String, error?["field"] as? String)
    }

    @Test(arguments: badTimestamps)
    func aTimestampThatIsNotOneToTwelveDigitsIsRefusedOnBothRoutes(_ timestamp: String) async throws {
        let fixture = try await APIFixture.make()
        let referral = try #require(try await fixture.rig.refer().first)
        try await fixture.test { client in
            for answer in Self.answers(referral) {
                let headers = try Self.signed(answer.body) { $0[Self.timestampHeader] = timestamp }
                let response = try await client.execute(uri: answer.path, method: answer.method, headers: headers, body: ByteBuffer(string: answer.body))
                #expect(response.status == .unauthorized, "\(answer.path) with \(timestamp)")
                let error = try Self.error(response)
                #expect(error.code == "bad_signature" && error.field == "webhook-timestamp", "\(answer.path) with \(timestamp)")
            }
            // Still answering: the same answer, properly signed, is taken.
            let good = Self.answers(referral)[0]
            let response = try await client.execute(uri: good.path, method: good.method, headers: try Self.signed(good.body), body: ByteBuffer(string: good.body))
            #expect(response.status == .ok)
        }
    }

    @Test func moreThanEightSignaturesAreRefusedUnread() async throws {
        let fixture = try await APIFixture.make()
        let referral = try #require(try await fixture.rig.refer().first)
        let answer = Self.answers(referral)[0]
        try await fixture.test { client in
            let junk = "v1," + Data(repeating: 1, count: 32).base64EncodedString()
            for count in [9, 2_000] {  // 2,000 entries: an 80 KB header
                let headers = try Self.signed(answer.body) { fields in
                    let good = fields[Self.signatureHeader]!
                    fields[Self.signatureHeader] = (Array(repeating: junk, count: count - 1) + [good]).joined(separator: " ")
                }
                let response = try await client.execute(uri: answer.path, method: answer.method, headers: headers, body: ByteBuffer(string: answer.body))
                #expect(response.status == .unauthorized, "\(count) signatures")
                let error = try Self.error(response)
                #expect(error.code == "bad_signature" && error.field == "webhook-signature", "\(count) signatures")
            }
            // Eight, the last of them good, are read and accepted.
            let eight = try Self.signed(answer.body) { fields in
                fields[Self.signatureHeader] = (Array(repeating: junk, count: 7) + [fields[Self.signatureHeader]!]).joined(separator: " ")
            }
            let accepted = try await client.execute(uri: answer.path, method: answer.method, headers: eight, body: ByteBuffer(string: answer.body))
            #expect(accepted.status == .ok)
        }
    }
}
