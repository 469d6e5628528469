import Foundation
import TrellisCore

/// A message as the database holds it: its text sealed, bound to the message's id.
struct SealedMessage: Sendable {
    var id: String
    var referralID: String
    var fromParty: ReferralParty
    var author: String
    var sealedText: Data
    var createdAt: Date
    var containsPersonalInformation: Bool

    func open(with cipher: PersonCipher) throws -> ReferralMessage {
        ReferralMessage(id: id, referralID: referralID, fromParty: fromParty, author: author,
                        text: try cipher.openText(sealedText, owner: id, field: "message"), createdAt: createdAt,
                        containsPersonalInformation: containsPersonalInformation)
    }
}

/// The rows of `referral_message`, read the same way on both backends.
enum MessageRows {
    static let columns = "SELECT id, referral_id, from_party, author, sealed_text, created_at, contains_personal_information FROM referral_message"

    static func sealed(_ row: any SQLRow) throws -> SealedMessage {
        SealedMessage(id: try row[0], referralID: try row[1], fromParty: ReferralParty(rawValue: try row[2]) ?? .referrer, author: try row[3],
                      sealedText: try row[4], createdAt: try row[5], containsPersonalInformation: try row[6])
    }

    static func sealed(id: String, in session: any SQLSession) async throws -> SealedMessage? {
        try await session.firstRow("\(unescaped: columns) WHERE id = \(id)").map(sealed)
    }
}
