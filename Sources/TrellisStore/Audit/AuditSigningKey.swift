public import Crypto
import Foundation

/// The Ed25519 key that signs audit checkpoints. It lives in a file outside the database
/// (readable by its owner only), so someone who can rewrite the database cannot re-sign.
public enum AuditSigningKey {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// What `trellis serve` prints at start and an administrator pins: SHA-256 of the public key, hex.
    public static func fingerprint(_ key: Curve25519.Signing.PublicKey) -> String {
        "SHA256:" + SHA256.hash(data: key.rawRepresentation).map { String(format: "%02x", $0) }.joined()
    }

    /// A public key as `trellis serve` prints it and `--public-key` takes it.
    public static func base64(_ key: Curve25519.Signing.PublicKey) -> String { key.rawRepresentation.base64EncodedString() }

    /// A public key as given on the command line: base64 of its 32 raw bytes.
    public static func publicKey(base64 text: String) throws -> Curve25519.Signing.PublicKey {
        guard let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            throw Failure(description: "not an audit public key (base64 of 32 bytes, as `trellis serve` prints it)")
        }
        return key
    }

    /// Reads the key at `path`, or creates one there (mode 0600) when there is none and no
    /// `checkpoints` file exists that an earlier key signed; `created` says which, so the caller can tell the administrator.
    public static func loadOrCreate(at path: String, checkpoints: String? = nil) throws -> (key: Curve25519.Signing.PrivateKey, created: Bool) {
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            guard let data = manager.contents(atPath: path),
                  let raw = Data(base64Encoded: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
                  let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
            else { throw Failure(description: "\(path): not an audit signing key (base64 of a 32-byte Ed25519 key)") }
            return (key, false)
        }
        if let checkpoints, manager.fileExists(atPath: checkpoints), (manager.contents(atPath: checkpoints)?.isEmpty == false) {
            // A new key would sign new checkpoints beside ones it cannot vouch for: refuse, loudly.
            throw Failure(description: """
                \(path): the audit signing key is missing, but its checkpoints are in \(checkpoints): restore the key from \
                its backup (a new key cannot verify them); only to start a new checkpoint record on purpose, move that file away
                """)
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
