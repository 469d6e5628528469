import Foundation
import TrellisCore

/// A person's details as the database holds them: sealed, each bound to its owner and field.
struct SealedPerson {
    var personID: String
    var profileID: String
    var sealedProfile: Data
    var sealedName: Data?
    var sealedPhone: Data?
    var sealedEmail: Data?
    var sealedNote: Data?
    var referralID: String

    /// The name and contact details of `person`, sealed for the row `id`; nil where the profile has none.
    static func seal(_ person: NeedsProfile.Person, id: String, with cipher: PersonCipher) throws -> (name: Data?, phone: Data?, email: Data?) {
        (try person.name?.nonBlank.map { try cipher.seal($0, owner: id, field: "name") },
         try person.phone?.nonBlank.map { try cipher.seal($0, owner: id, field: "phone") },
         try person.email?.nonBlank.map { try cipher.seal($0, owner: id, field: "email") })
    }

    func open(with cipher: PersonCipher) throws -> PersonDetails {
        var profile = try JSONDecoder().decode(NeedsProfile.self, from: try cipher.open(sealedProfile, owner: profileID, field: "profile"))
        profile.person.name = try sealedName.map { try cipher.openText($0, owner: personID, field: "name") }
        profile.person.phone = try sealedPhone.map { try cipher.openText($0, owner: personID, field: "phone") }
        profile.person.email = try sealedEmail.map { try cipher.openText($0, owner: personID, field: "email") }
        let note = try sealedNote.map { try cipher.openText($0, owner: referralID, field: "note") }
        return PersonDetails(personID: personID, profile: profile, note: note)
    }
}
