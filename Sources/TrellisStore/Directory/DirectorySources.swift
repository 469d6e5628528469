import Crypto
import Foundation
import TrellisCore

/// Which source a stored service belongs to, and whether an import changed it.
enum DirectorySources {
    static let migrationName = "store-10: directory sources: each service's source, its content fingerprint and when it was withdrawn"

    /// The source an import stores a service under: the one named, or the record's own provider id.
    static func source(of service: Service, named: String?) -> String {
        named ?? service.provenance.source
    }

    /// SHA-256 of the service's content: the same record read again from another file (or line) is unchanged.
    /// (The document with the provenance's file "" and line 0, as `JSONEncoder` writes it, hashed.)
    static func fingerprint(_ service: Service) -> String {
        hex(SHA256.hash(data: service.storedJSON(placeBlanked: true)))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func hex(_ digest: SHA256.Digest) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(2 * SHA256.byteCount)
        for byte in digest {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
