import Crypto
public import Foundation

/// Why a signed message was refused. Each case says what the sender must fix.
public enum WebhookSignatureError: Error, Equatable, Sendable, CustomStringConvertible {
    case badSecret(String)
    case missingHeader(String)
    case badTimestamp
    case tooManySignatures
    case outsideTolerance(secondsOff: Int)
    case noMatchingSignature

    public var description: String {
        switch self {
        case .badSecret(let why): why
        case .missingHeader(let name): "the \(name) header is missing"
        case .badTimestamp: "webhook-timestamp must be whole seconds since 1970: 1 to 12 digits"
        case .tooManySignatures: "webhook-signature carries more than \(WebhookHeaderFields.maximumSignatures) signatures"
        case .outsideTolerance(let off): "webhook-timestamp is \(off) s from now; at most 300 s is accepted"
        case .noMatchingSignature: "no webhook-signature matches the body with a current secret"
        }
    }
}

/// Standard Webhooks (standardwebhooks.com): HMAC-SHA256 over `id.timestamp.body`, sent as
/// `webhook-signature: v1,<base64>` with one signature per active secret, space separated.
public enum StandardWebhooks {
    public static let tolerance: TimeInterval = 300

    /// The three headers for `body` sent as message `id` at `timestamp`.
    public static func headers(id: String, timestamp: Date, body: Data, secrets: [WebhookSecret]) -> [(name: String, value: String)] {
        let seconds = Int(timestamp.timeIntervalSince1970.rounded(.down))
        return [("webhook-id", id), ("webhook-timestamp", String(seconds)),
                ("webhook-signature", signature(id: id, seconds: seconds, body: body, secrets: secrets))]
    }

    static func signature(id: String, seconds: Int, body: Data, secrets: [WebhookSecret]) -> String {
        let signed = Data("\(id).\(seconds).".utf8) + body
        return secrets.map { "v1," + Data(HMAC<SHA256>.authenticationCode(for: signed, using: $0.key)).base64EncodedString() }
            .joined(separator: " ")
    }

    /// Checks a received message: headers present, timestamp within five minutes of `now`, and one of
    /// its signatures made with one of `secrets`. Returns the message id. The work is bounded whatever
    /// the sender puts in the headers: the timestamp is read as at most 12 digits, a header with more
    /// than 8 signatures is refused unread, and each secret's HMAC is computed once and compared with
    /// every candidate in constant time.
    @discardableResult
    public static func verify(headers: (String) -> String?, body: Data, secrets: [WebhookSecret], now: Date) throws(WebhookSignatureError) -> String {
        guard let id = headers("webhook-id"), !id.isEmpty else { throw .missingHeader("webhook-id") }
        guard let timestampText = headers("webhook-timestamp") else { throw .missingHeader("webhook-timestamp") }
        guard let signatures = headers("webhook-signature") else { throw .missingHeader("webhook-signature") }
        guard let seconds = WebhookHeaderFields.timestamp(timestampText) else { throw .badTimestamp }
        guard let candidates = WebhookHeaderFields.signatures(signatures) else { throw .tooManySignatures }
        let off = Int(now.timeIntervalSince1970.rounded(.down)) - seconds
        guard abs(off) <= Int(tolerance) else { throw .outsideTolerance(secondsOff: off) }
        let macs = candidates.compactMap { WebhookHeaderFields.version1MAC($0, length: SHA256.byteCount) }
        guard !macs.isEmpty else { throw .noMatchingSignature }
        let signed = Data("\(id).\(seconds).".utf8) + body
        for secret in secrets {
            let expected = Array(HMAC<SHA256>.authenticationCode(for: signed, using: secret.key))
            // Every candidate is compared, so the time taken does not say which one matched.
            var matched = false
            for mac in macs where WebhookHeaderFields.constantTimeEqual(mac, expected) { matched = true }
            if matched { return id }
        }
        throw .noMatchingSignature
    }
}
