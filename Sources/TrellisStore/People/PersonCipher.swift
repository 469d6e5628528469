public import Crypto
public import Foundation

/// Seals a person's name, contact details, needs profile and notes with AES-GCM before they reach the
/// database. Each sealed value is bound to its owner and field, so a value copied to another row or
/// column does not open. The key lives outside the database.
public struct PersonCipher: Sendable {
    private static let version: UInt8 = 1
    private let keyBytes: Data
    /// The first 8 bytes of SHA-256 over the key: stored with each value, so a wrong key is named, not guessed.
    public let keyID: Data

    public init(key: SymmetricKey) {
        keyBytes = key.withUnsafeBytes { Data($0) }
        keyID = Data(SHA256.hash(data: keyBytes).prefix(8))
    }

    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    public func seal(_ plaintext: Data, owner: String, field: String) throws -> Data {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: Data("trellis:\(owner):\(field)".utf8))
        guard let combined = box.combined else { throw StoreError.undecryptable("AES-GCM gave no combined form") }
        return Data([Self.version]) + keyID + combined
    }

    public func seal(_ text: String, owner: String, field: String) throws -> Data {
        try seal(Data(text.utf8), owner: owner, field: field)
    }

    public func open(_ sealed: Data, owner: String, field: String) throws -> Data {
        let bytes = Data(sealed)
        guard bytes.count > 9, bytes.first == Self.version else {
            throw StoreError.undecryptable("\(field) of \(owner) is not a sealed value")
        }
        guard bytes.dropFirst().prefix(8) == keyID else {
            throw StoreError.undecryptable("\(field) of \(owner) was sealed with another data key (\(Self.hex(bytes.dropFirst().prefix(8)))); this one is \(Self.hex(keyID))")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: bytes.dropFirst(9))
            return try AES.GCM.open(box, using: key, authenticating: Data("trellis:\(owner):\(field)".utf8))
        } catch {
            throw StoreError.undecryptable("\(field) of \(owner) does not open: it was altered or moved")
        }
    }

    public func openText(_ sealed: Data, owner: String, field: String) throws -> String {
        String(decoding: try open(sealed, owner: owner, field: field), as: UTF8.self)
    }

    static func hex(_ data: some Sequence<UInt8>) -> String { data.map { String(format: "%02x", $0) }.joined() }
}
