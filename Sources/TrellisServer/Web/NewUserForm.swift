import Foundation
import TrellisCore
import TrellisStore

/// The administrator's "add a user" form, read and checked field by field.
enum NewUserForm {
    static func user(_ form: FormData, createdAt: Date) throws -> UserAccount {
        guard let role = form["role"].flatMap(UserAccount.Role.init(rawValue:)), role != .partner else {
            throw APIError(.badRequest, code: "invalid", "choose a role (partners get tokens with `trellis partner token`)", field: "role")
        }
        guard let id = form["id"]?.nonBlank, id.count <= 64, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.@".contains($0)) }) else {
            throw APIError(.badRequest, code: "invalid", "a user id is 1 to 64 letters, digits, '-', '_', '.' or '@'", field: "id")
        }
        guard let name = form["name"]?.nonBlank, name.count <= 200 else { throw APIError(.badRequest, code: "invalid", "a name is required", field: "name") }
        let organizations = organizationList(form["organizations"])
        guard let first = organizations.first, organizations.count <= 50 else {
            throw APIError(.badRequest, code: "invalid", "name the user's organization (an agency user: one or more, separated by commas)", field: "organizations")
        }
        guard role == .agency || organizations.count == 1 else {
            throw APIError(.badRequest, code: "invalid", "only an agency user answers for more than one organization", field: "organizations")
        }
        let email = form["notify_email"]?.nonBlank
        if let email, !Partner.isMailAddress(email) {
            throw APIError(.badRequest, code: "invalid", "not an e-mail address", field: "notify_email")
        }
        return UserAccount(id: id, name: name, role: role, organizationID: first, organizations: organizations, createdAt: createdAt, notifyEmail: email)
    }

    /// "ORG-1, ORG-2" as ids, blanks dropped, first kept first, no repeats.
    static func organizationList(_ text: String?) -> [String] {
        var seen = Set<String>()
        return (text ?? "").split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init).filter { seen.insert($0).inserted }
    }
}
