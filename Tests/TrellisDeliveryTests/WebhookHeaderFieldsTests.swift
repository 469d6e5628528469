import Foundation
import PropertyBased
import Testing
import TrellisDelivery
import TrellisTestSupport

/// The signature headers a sender controls are read with bounded work and never trap.
@Suite struct WebhookHeaderFieldsTests {
    let body = Data(#"{"referral_id":"ref-0001","status":"accepted"}"#.utf8)
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: [
        ("1800000000", 1_800_000_000), ("0", 0), ("999999999999", 999_999_999_999), ("000000000001", 1),
    ])
    func oneToTwelveDigitsAreATimestamp(_ text: String, _ seconds: Int) {
        #expect(WebhookHeaderFields.timestamp(text) == seconds)
    }

    @Test(arguments: ["-9223372036854775808", "9223372036854775807", "1234567890123", "-1", "+1", " 1", "1 ", "", "1e9", "1.5",
                      "١٢٣", "0x10", "１２３"])
    func anythingElseIsNot(_ text: String) {
        #expect(WebhookHeaderFields.timestamp(text) == nil)
    }

    @Test func everyNumberOfTwelveDigitsOrFewerReadsBack() async {
        await propertyCheck(count: 500, input: Gen.int(in: 0...999_999_999_999)) { seconds in
            #expect(WebhookHeaderFields.timestamp(String(seconds)) == seconds)
        }
    }

    @Test func noStringTraps() async {
        await propertyCheck(count: 500, input: Gen.latin1.string(of: 0...30)) { text in
            let parsed = WebhookHeaderFields.timestamp(text)
            let digitsOnly = !text.isEmpty && text.utf8.count <= 12 && text.utf8.allSatisfy { (48...57).contains($0) }
            #expect((parsed != nil) == digitsOnly)
            _ = WebhookHeaderFields.signatures(text)
        }
    }

    @Test(arguments: ["-9223372036854775808", "9223372036854775807"])
    func verifyRefusesTheExtremesOfIntAsABadTimestamp(_ text: String) throws {
        let secret = try WebhookSecret(DeliveryFixtures.secret)
        var sent = StandardWebhooks.headers(id: "msg_x", timestamp: now, body: body, secrets: [secret])
        sent[1].value = text
        #expect(throws: WebhookSignatureError.badTimestamp) {
            try StandardWebhooks.verify(headers: { name in sent.first { $0.name == name }?.value }, body: body, secrets: [secret], now: now)
        }
    }

    @Test func eightSignaturesAreReadAndNineRefused() throws {
        let secret = try WebhookSecret(DeliveryFixtures.secret)
        let sent = StandardWebhooks.headers(id: "msg_y", timestamp: now, body: body, secrets: [secret])
        let junk = "v1," + Data(repeating: 9, count: 32).base64EncodedString()
        func verify(junkCount: Int) throws(WebhookSignatureError) {
            let signature = (Array(repeating: junk, count: junkCount) + [sent[2].value]).joined(separator: " ")
            let headers = [sent[0], sent[1], (name: "webhook-signature", value: signature)]
            try StandardWebhooks.verify(headers: { name in headers.first { $0.name == name }?.value }, body: body, secrets: [secret], now: now)
        }
        #expect(throws: Never.self) { try verify(junkCount: 7) }
        #expect(throws: WebhookSignatureError.tooManySignatures) { try verify(junkCount: 8) }
        #expect(throws: WebhookSignatureError.tooManySignatures) { try verify(junkCount: 2_000) }
    }

    @Test(arguments: ["v1,", "v1,!!!!", "v2," + Data(count: 32).base64EncodedString(), "v1," + Data(count: 31).base64EncodedString(),
                      "v1," + Data(count: 64).base64EncodedString()])
    func aCandidateThatIsNotABase64MACOfThirtyTwoBytesIsSkipped(_ entry: String) {
        #expect(WebhookHeaderFields.version1MAC(Substring(entry), length: 32) == nil)
    }
}
