import Foundation
import TrellisCore

/// A partner entry as stored: its JSON, in the same form as the partners file, without its signing
/// secrets, which are sealed with the data key in a column of their own.
enum PartnerDocument {
    struct Stored: Sendable {
        var document: String
        var sealedSecrets: Data?
    }

    static func seal(_ partner: Partner, with cipher: PersonCipher) throws -> Stored {
        var open = partner
        open.signingSecrets = []
        let secrets = partner.signingSecrets.isEmpty ? nil
            : try cipher.seal(try JSONEncoder().encode(partner.signingSecrets), owner: partner.id, field: "signing_secrets")
        return Stored(document: try encode(open), sealedSecrets: secrets)
    }

    static func open(document: String, sealedSecrets: Data?, with cipher: PersonCipher) throws -> Partner {
        var partner = try decodePlain(document)
        if let sealedSecrets {
            partner.signingSecrets = try JSONDecoder().decode([String].self,
                                                              from: cipher.open(sealedSecrets, owner: partner.id, field: "signing_secrets"))
        }
        return partner
    }

    static func encode(_ partner: Partner) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(partner), as: UTF8.self)
    }

    /// The document as JSON, with whatever secrets it holds (before store-7, in the clear).
    static func decodePlain(_ text: String) throws -> Partner {
        try JSONDecoder().decode(Partner.self, from: Data(text.utf8))
    }
}
