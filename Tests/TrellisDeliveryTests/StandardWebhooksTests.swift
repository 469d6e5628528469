import Foundation
import Testing
import TrellisTestSupport
import TrellisDelivery

@Suite struct StandardWebhooksTests {
    let body = Data(#"{"referral_id":"ref-0001","status":"accepted"}"#.utf8)
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func headers(_ list: [(name: String, value: String)]) -> (String) -> String? {
        { name in list.first { $0.name == name }?.value }
    }

    @Test func aSignedMessageVerifiesWithTheSameSecret() throws {
        let secret = try WebhookSecret(DeliveryFixtures.secret)
        let sent = StandardWebhooks.headers(id: "msg_1", timestamp: now, body: body, secrets: [secret])
        #expect(sent.map(\.name) == ["webhook-id", "webhook-timestamp", "webhook-signature"])
        #expect(sent[1].value == "1800000000")
        #expect(sent[2].value.hasPrefix("v1,"))
        #expect(try StandardWebhooks.verify(headers: headers(sent), body: body, secrets: [secret], now: now) == "msg_1")
    }

    /// The example from the Standard Webhooks specification, so other implementations agree with ours.
    @Test func theSpecificationsExampleVerifies() throws {
        let secret = try WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let body = Data(#"{"test": 2432232314}"#.utf8)
        let sent = StandardWebhooks.headers(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: Date(timeIntervalSince1970: 1_614_265_330),
                                            body: body, secrets: [secret])
        #expect(sent[2].value == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func duringRotationEverySecretSignsAndEitherVerifies() throws {
        let old = try WebhookSecret(DeliveryFixtures.secret)
        let new = try WebhookSecret(WebhookSecret.generate())
        let sent = StandardWebhooks.headers(id: "msg_2", timestamp: now, body: body, secrets: [old, new])
        #expect(sent[2].value.split(separator: " ").count == 2)
        #expect(throws: Never.self) { try StandardWebhooks.verify(headers: headers(sent), body: body, secrets: [new], now: now) }
        #expect(throws: Never.self) { try StandardWebhooks.verify(headers: headers(sent), body: body, secrets: [old], now: now) }
    }

    @Test(arguments: [
        ("a changed body", "body"), ("another secret", "secret"), ("a changed id", "id"), ("a changed timestamp", "timestamp"),
    ])
    func tamperingIsRefused(_ what: String, _ part: String) throws {
        let secret = try WebhookSecret(DeliveryFixtures.secret)
        var sent = StandardWebhooks.headers(id: "msg_3", timestamp: now, body: body, secrets: [secret])
        var received = body
        var secrets = [secret]
        switch part {
        case "body": received = Data(#"{"referral_id":"ref-0001","status":"rejected"}"#.utf8)
        case "secret": secrets = [try WebhookSecret(WebhookSecret.generate())]
        case "id": sent[0].value = "msg_4"
        default: sent[1].value = "1800000001"
        }
        #expect(throws: WebhookSignatureError.noMatchingSignature, "\(what)") {
            try StandardWebhooks.verify(headers: headers(sent), body: received, secrets: secrets, now: now)
        }
    }

    @Test(arguments: [-301.0, 301.0])
    func aTimestampMoreThanFiveMinutesOffIsRefused(offset: Double) throws {
        let secret = try WebhookSecret(DeliveryFixtures.secret)
        let sent = StandardWebhooks.headers(id: "msg_5", timestamp: now.addingTimeInterval(offset), body: body, secrets: [secret])
        #expect(throws: WebhookSignatureError.outsideTolerance(secondsOff: Int(-offset))) {
            try StandardWebhooks.verify(headers: headers(sent), body: body, secrets: [secret], now: now)
        }
        let within = StandardWebhooks.headers(id: "msg_5", timestamp: now.addingTimeInterval(offset > 0 ? 299 : -299), body: body, secrets: [secret])
        #expect(throws: Never.self) { try StandardWebhooks.verify(headers: headers(within), body: body, secrets: [secret], now: now) }
    }

    @Test(arguments: ["webhook-id", "webhook-timestamp", "webhook-signature"])
    func aMissingHeaderIsNamed(_ missing: String) throws {
        let secret = try WebhookSecret(DeliveryFixtures.secret)
        let sent = StandardWebhooks.headers(id: "msg_6", timestamp: now, body: body, secrets: [secret]).filter { $0.name != missing }
        #expect(throws: WebhookSignatureError.missingHeader(missing)) {
            try StandardWebhooks.verify(headers: headers(sent), body: body, secrets: [secret], now: now)
        }
    }

    @Test(arguments: ["whsec_", "whsec_not base64!", "whsec_" + Data(count: 8).base64EncodedString()])
    func aMalformedSecretIsRefused(_ text: String) {
        #expect(throws: WebhookSignatureError.self) { try WebhookSecret(text) }
    }
}
