import Foundation
import TrellisCore

/// A partner entry as stored: its JSON, in the same form as the partners file.
enum PartnerDocument {
    static func encode(_ partner: Partner) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(partner), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> Partner {
        try JSONDecoder().decode(Partner.self, from: Data(text.utf8))
    }
}
