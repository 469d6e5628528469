import Crypto
import Foundation

/// Tokens are stored as SHA-256: they are long and random, so a fast hash is enough and lets a
/// token be looked up directly.
enum TokenHash {
    static func of(_ secret: String) -> Data { Data(SHA256.hash(data: Data(secret.utf8))) }
}
