public import ArgumentParser
import Foundation
import TrellisCore
import TrellisServer
public import TrellisStore

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage the people who sign in to Trellis.",
        subcommands: [UserAdd.self, UserDisable.self, UserEnable.self])
}

extension UserAccount.Role: ExpressibleByArgument {}

struct UserAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a user: with --password-stdin they sign in with a password, otherwise an API token is printed once.",
        discussion: """
        Roles: caseworker (their organization's referrals), supervisor (their organization's reports), admin \
        (everything), agency (answers the referrals addressed to its directory organizations in the inbox pages; \
        give --org once per organization). Passwords are hashed with bcrypt and need at least 12 characters; tokens are random, stored \
        only as their SHA-256, and shown once here.
        """)

    @Option(help: "caseworker, supervisor, admin or agency.") var role: UserAccount.Role
    @Option(name: .customLong("org"), help: "The user's organization (a directory organization id, or the county's own); an agency user: once per organization.")
    var organizations: [String] = []
    @Option(name: .customLong("notify-email"), help: "Where an agency user's notices go (\"a referral is waiting\"; never a person's data).")
    var notifyEmail: String?
    @Option(help: "The user's name, as others see it.") var name: String
    @Option(help: "The user's id (default: a new u-… id).") var id: String?
    @Flag(name: .customLong("password-stdin"), help: "Read a password from standard input (one line) instead of issuing a token.")
    var passwordStdin = false
    @Option(name: .customLong("token-days"), help: "Days until the token expires.") var tokenDays = 90
    @OptionGroup var store: StoreOptions
    @Option(help: "Who is acting, for the audit trail (default: $USER).") var by: String?
    @Flag(help: "JSON: {\"id\",\"role\",\"organization_id\",\"token\",\"token_expires_at\"}.") var json = false

    func validate() throws {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--name is required") }
        guard !organizations.isEmpty, organizations.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw ValidationError("--org is required")
        }
        guard role == .agency || organizations.count == 1 else { throw ValidationError("only an agency user answers for more than one --org") }
        guard role != .partner else { throw ValidationError("partners get their token with `trellis partner token`") }
        if let notifyEmail, !Partner.isMailAddress(notifyEmail) { throw ValidationError("--notify-email: not an e-mail address") }
        guard (1...3_650).contains(tokenDays) else { throw ValidationError("--token-days is 1 to 3650") }
    }

    func run() async throws {
        var passwordHash: String?
        if passwordStdin {
            let password = Self.readPassword() ?? ""
            if let problem = Passwords.problem(password) {
                Terminal.error("trellis: \(problem)")
                throw ExitCode.someRejected
            }
            passwordHash = Passwords.hash(password)
        }
        let user = UserAccount(id: id ?? "u-" + UUID().uuidString.prefix(8).lowercased(), name: name, role: role,
                               organizationID: organizations[0], organizations: organizations, createdAt: Date(), notifyEmail: notifyEmail)
        let context = AuditContext(actor: StoreOptions.actor(by), purpose: "security")
        let token = try await store.withStore { store -> IssuedToken? in
            if try await store.user(id: user.id) != nil { throw StoreError.invalid(field: "--id", reason: "a user \(user.id) already exists") }
            try await store.addUser(user, passwordHash: passwordHash, context: context)
            guard passwordHash == nil else { return nil }
            return try await store.issueToken(userID: user.id, expiresAt: Date().addingTimeInterval(Double(tokenDays) * 86_400), context: context)
        }
        if json {
            var object: [String: Any] = ["id": user.id, "role": user.role.rawValue, "organization_id": user.organizationID, "organizations": user.organizations]
            object["token"] = token?.secret
            object["token_expires_at"] = token?.expiresAt?.formatted(.iso8601)
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        print("added \(user.role.rawValue) \(user.id) in \(user.organizations.joined(separator: ", "))" + (passwordHash != nil ? "; password set" : ""))
        if let token {
            print("API token (shown once; keep it secret): \(token.secret)")
            print("expires \(token.expiresAt?.formatted(.iso8601) ?? "never")")
        }
    }

    /// One line from standard input; on a terminal, asked for and not echoed.
    static func readPassword() -> String? {
        guard isatty(STDIN_FILENO) == 1 else { return readLine(strippingNewline: true) }
        FileHandle.standardError.write(Data("Password: ".utf8))
        var original = termios()
        tcgetattr(STDIN_FILENO, &original)
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &original)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true)
    }
}
