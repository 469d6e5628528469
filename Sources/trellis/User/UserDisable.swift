import ArgumentParser
import Foundation
import TrellisStore

/// `trellis user disable ID` and `trellis user enable ID`: one command each, sharing the work.
struct UserDisable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable",
        abstract: "Cut a user off: their web sessions and API tokens stop working.",
        discussion: """
        A disabled user's sessions and tokens are refused at once by every server on the database, except that a \
        server which checked an API token in the last 30 seconds trusts it until those 30 seconds are up (the token \
        cache). The tokens are not revoked: `trellis user enable ID` brings them back; `trellis token revoke --user ID` \
        ends them for good. Audited. Exit status 2 when there is no such user.
        """)

    @Argument(help: "The user's id.") var id: String
    @OptionGroup var store: StoreOptions
    @Option(help: "Who is acting, for the audit trail (default: $USER).") var by: String?
    @Flag(help: "JSON: {\"id\",\"disabled\",\"disabled_at\"}.") var json = false

    func run() async throws {
        try await UserSwitch.set(id, disabled: true, store: store, by: by, json: json)
    }
}

struct UserEnable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enable",
        abstract: "Let a disabled user sign in again (their tokens still in force work again).",
        discussion: "Audited. Exit status 2 when there is no such user.")

    @Argument(help: "The user's id.") var id: String
    @OptionGroup var store: StoreOptions
    @Option(help: "Who is acting, for the audit trail (default: $USER).") var by: String?
    @Flag(help: "JSON: {\"id\",\"disabled\",\"disabled_at\"}.") var json = false

    func run() async throws {
        try await UserSwitch.set(id, disabled: false, store: store, by: by, json: json)
    }
}

enum UserSwitch {
    static func set(_ id: String, disabled: Bool, store: StoreOptions, by: String?, json: Bool) async throws {
        let context = AuditContext(actor: StoreOptions.actor(by), purpose: "security")
        let user = try await store.withStore { try await $0.setUser(id, disabled: disabled, context: context) }
        if json {
            var object: [String: Any] = ["id": user.id, "disabled": user.disabledAt != nil]
            object["disabled_at"] = user.disabledAt?.formatted(.iso8601)
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        } else if let at = user.disabledAt {
            print("disabled \(user.id) (since \(at.formatted(.iso8601))): their sessions and tokens no longer work")
        } else {
            print("enabled \(user.id)")
        }
    }
}
