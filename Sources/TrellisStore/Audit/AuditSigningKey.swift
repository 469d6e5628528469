public import Crypto
import Foundation

/// The Ed25519 key that signs audit checkpoints. It lives in a file outside the database
/// (readable by its owner only), so someone who can rewrite the database cannot re-sign.
public enum AuditSigningKey {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Reads the key at `path`, or creates one there (mode 0600) when there is none; `created`
    /// says which, so the caller can tell the administrator.
    public static func loadOrCreate(at path: String) throws -> (key: Curve25519.Signing.PrivateKey, created: Bool) {
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            guard let data = manager.contents(atPath: path),
                  let raw = Data(base64Encoded: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
                  let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
            else { throw Failure(description: "\(path): not an audit signing key (base64 of a 32-byte Ed25519 key)") }
            return (key, false)
        }
        let key = Curve25519.Signing.PrivateKey()
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try manager.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        guard manager.createFile(atPath: path, contents: Data((key.rawRepresentation.base64EncodedString() + "\n").utf8),
                                 attributes: [.posixPermissions: 0o600]) else {
            throw Failure(description: "\(path): cannot create the audit signing key")
        }
        return (key, true)
    }
}
