import ArgumentParser
import Foundation
import TrellisStore

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "List and revoke users' web sessions and API tokens.",
        discussion: """
        Tokens are stored only as their SHA-256; each has a public id (tok_…), which is what these commands show \
        and take. The secret is shown once, when the token is issued, and never again.
        """,
        subcommands: [TokenList.self, TokenRevoke.self])
}

struct TokenList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List tokens, newest first: id, user, kind (session or api), created, expires, last used, state.",
        discussion: """
            Never shows a token's secret or its hash. The last use is recorded at most once a minute (an API \
            token checked in the last 30 s on a server is not checked again there). A web session unused for \
            serve.session_idle_minutes (default 30) is ended and listed as revoked.
            """)

    @Option(help: ArgumentHelp("Only this user's tokens.", valueName: "id")) var user: String?
    @Flag(help: "Also the revoked and expired ones.") var all = false
    @OptionGroup var store: StoreOptions
    @Flag(help: "JSON: an array of {\"id\",\"user_id\",\"kind\",\"created_at\",\"expires_at\",\"last_used_at\",\"revoked_at\",\"in_force\"}.")
    var json = false

    func run() async throws {
        let now = Date()
        let tokens = try await store.withStore { store -> [TokenRecord] in
            if let user, try await store.user(id: user) == nil { throw StoreError.userNotFound(user) }
            return try await store.tokens(userID: user)
        }.filter { all || $0.isInForce(at: now) }
        if json {
            let objects: [[String: Any]] = tokens.map { token in
                var object: [String: Any] = ["id": token.id, "user_id": token.userID, "kind": token.kind.rawValue,
                                             "created_at": token.createdAt.formatted(.iso8601), "in_force": token.isInForce(at: now)]
                object["expires_at"] = token.expiresAt?.formatted(.iso8601)
                object["last_used_at"] = token.lastUsedAt?.formatted(.iso8601)
                object["revoked_at"] = token.revokedAt?.formatted(.iso8601)
                return object
            }
            print(String(decoding: try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        guard !tokens.isEmpty else {
            print(all ? "no tokens" : "no tokens in force (--all shows revoked and expired ones)")
            return
        }
        let rows = tokens.map { token in
            [token.id, token.userID, token.kind.rawValue, token.createdAt.formatted(.iso8601), token.expiresAt?.formatted(.iso8601) ?? "never",
             token.lastUsedAt?.formatted(.iso8601) ?? "-",
             token.revokedAt.map { "revoked " + $0.formatted(.iso8601) } ?? (token.isInForce(at: now) ? "in force" : "expired")]
        }
        let header = ["ID", "USER", "KIND", "CREATED", "EXPIRES", "LAST USED", "STATE"]
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            print(row.indices.map { $0 == row.count - 1 ? row[$0] : row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  "))
        }
    }
}

struct TokenRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "End a token by its id, or every token of a user (--user): signs them out everywhere.",
        discussion: """
        Usage: `trellis token revoke TOKEN_ID` or `trellis token revoke --user ID`. A revoked token is refused at once \
        by every server on the database, except that a server which checked an API token in the last 30 seconds \
        trusts it until those 30 seconds are up (the token cache). Audited. Exit status 2 when there is no such \
        token in force, or no such user.
        """)

    @Argument(help: ArgumentHelp("The token's id (tok_…), as `trellis token list` shows it.", valueName: "token-id")) var tokenID: String?
    @Option(help: ArgumentHelp("Revoke every token of this user instead.", valueName: "id")) var user: String?
    @OptionGroup var store: StoreOptions
    @Option(help: "Who is acting, for the audit trail (default: $USER).") var by: String?
    @Flag(help: "JSON: {\"revoked\": [token ids]}.") var json = false

    func validate() throws {
        switch (tokenID, user) {
        case (nil, nil): throw ValidationError("give a token id, or --user ID")
        case (.some, .some): throw ValidationError("give a token id or --user ID, not both")
        default: break
        }
    }

    func run() async throws {
        let context = AuditContext(actor: StoreOptions.actor(by), purpose: "security")
        let revoked = try await store.withStore { store -> [String]? in
            if let user { return try await store.revokeTokens(userID: user, context: context) }
            guard let tokenID else { return [] }
            return try await store.revokeToken(id: tokenID, context: context).map { [$0.id] }
        }
        guard let revoked else {
            Terminal.error("trellis: no token \(tokenID ?? "") in force (see `trellis token list --all`)")
            throw ExitCode.unreadable
        }
        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: ["revoked": revoked], options: [.sortedKeys]), as: UTF8.self))
        } else if revoked.isEmpty {
            print("\(user ?? "the user") had no tokens in force")
        } else {
            print("revoked \(revoked.count) token\(revoked.count == 1 ? "" : "s"): \(revoked.joined(separator: ", "))")
        }
    }
}
