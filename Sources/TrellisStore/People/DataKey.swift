import Crypto
import Foundation

/// Where the data key comes from: configuration or the environment (`TRELLIS_DATA_KEY`, base64 of
/// 32 bytes), else a key file created on first use beside the database, readable by its owner only.
public enum DataKey {
    public struct Loaded: Sendable {
        public var cipher: PersonCipher
        /// Set when the key file was created just now: the caller tells the user to back it up.
        public var createdFile: String?
    }

    public static let environmentVariable = "TRELLIS_DATA_KEY"

    public static func load(base64 configured: String?, file: String) throws -> Loaded {
        if let configured = configured?.trimmingCharacters(in: .whitespacesAndNewlines), !configured.isEmpty {
            return Loaded(cipher: PersonCipher(key: try key(base64: configured, from: "the configured data key")), createdFile: nil)
        }
        let manager = FileManager.default
        if let data = manager.contents(atPath: file) {
            let attributes = try manager.attributesOfItem(atPath: file)
            if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
                throw StoreError.invalid(field: file, reason: "the data key file is readable by others (mode \(String(mode, radix: 8))); run chmod 600 on it")
            }
            return Loaded(cipher: PersonCipher(key: try key(base64: String(decoding: data, as: UTF8.self), from: file)), createdFile: nil)
        }
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0) }.base64EncodedString() + "\n"
        try manager.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard manager.createFile(atPath: file, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw StoreError.invalid(field: file, reason: "cannot create the data key file")
        }
        return Loaded(cipher: PersonCipher(key: key), createdFile: file)
    }

    static func key(base64 text: String, from origin: String) throws -> SymmetricKey {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32 else {
            throw StoreError.invalid(field: origin, reason: "expected 32 bytes in base64 (44 characters)")
        }
        return SymmetricKey(data: data)
    }
}
