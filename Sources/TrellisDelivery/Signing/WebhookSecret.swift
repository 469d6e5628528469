import Crypto
import Foundation

/// A Standard Webhooks signing secret: `whsec_` followed by base64 of 24 to 64 random bytes.
public struct WebhookSecret: Sendable {
    private let bytes: Data
    var key: SymmetricKey { SymmetricKey(data: bytes) }

    public init(_ text: String) throws(WebhookSignatureError) {
        let encoded = text.hasPrefix("whsec_") ? String(text.dropFirst("whsec_".count)) : text
        guard let bytes = Data(base64Encoded: encoded), (24...64).contains(bytes.count) else {
            throw .badSecret("a signing secret is \"whsec_\" followed by base64 of 24 to 64 bytes")
        }
        self.bytes = bytes
    }

    /// A new random secret, as a partner would be given it.
    public static func generate() -> String {
        "whsec_" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }
}
