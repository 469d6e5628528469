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
    static func fingerprint(_ service: Service) throws -> String {
        var content = service
        content.provenance.file = ""
        content.provenance.line = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return SHA256.hash(data: try encoder.encode(content)).map { String(format: "%02x", $0) }.joined()
    }
}
