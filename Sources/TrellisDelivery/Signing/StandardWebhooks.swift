import Crypto
public import Foundation

/// Why a signed message was refused. Each case says what the sender must fix.
public enum WebhookSignatureError: Error, Equatable, Sendable, CustomStringConvertible {
    case badSecret(String)
    case missingHeader(String)
    case badTimestamp
    case outsideTolerance(secondsOff: Int)
    case noMatchingSignature

    public var description: String {
        switch self {
        case .badSecret(let why): why
        case .missingHeader(let name): "the \(name) header is missing"
        case .badTimestamp: "webhook-timestamp must be whole seconds since 1970"
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
    /// its signatures made with one of `secrets` (compared in constant time). Returns the message id.
    @discardableResult
    public static func verify(headers: (String) -> String?, body: Data, secrets: [WebhookSecret], now: Date) throws(WebhookSignatureError) -> String {
        guard let id = headers("webhook-id"), !id.isEmpty else { throw .missingHeader("webhook-id") }
        guard let timestampText = headers("webhook-timestamp") else { throw .missingHeader("webhook-timestamp") }
        guard let signatures = headers("webhook-signature") else { throw .missingHeader("webhook-signature") }
        guard let seconds = Int(timestampText) else { throw .badTimestamp }
        let off = Int(now.timeIntervalSince1970) - seconds
        guard abs(off) <= Int(tolerance) else { throw .outsideTolerance(secondsOff: off) }
        let signed = Data("\(id).\(seconds).".utf8) + body
        for candidate in signatures.split(separator: " ") {
            guard candidate.hasPrefix("v1,"), let mac = Data(base64Encoded: String(candidate.dropFirst(3))) else { continue }
            for secret in secrets where HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: signed, using: secret.key) {
                return id
            }
        }
        throw .noMatchingSignature
    }
}
