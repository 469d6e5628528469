import ArgumentParser
import Foundation
import TrellisCore
import TrellisDelivery
import TrellisStore

struct PartnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partner",
        abstract: "Manage the partner agencies referrals are delivered to.",
        subcommands: [PartnerAdd.self, PartnerList.self, PartnerRemove.self, PartnerToken.self])
}

struct PartnerAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Store the partners of a partners file (adds new ones, replaces those with the same id).",
        discussion: """
        A partners file is a JSON array of entries (or {"partners": [...]}); config/partners.example.json shows \
        every field. Endpoints must be https, except http://127.0.0.1 for development.
        """)

    @Argument(help: "Partners files.") var files: [String]
    @OptionGroup var store: StoreOptions
    @Option(help: "Who is acting, for the audit trail (default: $USER).") var by: String?

    func run() async throws {
        var partners: [Partner] = []
        do {
            for file in files { partners += try PartnersFile.load(file) }
            _ = try PartnerBook(partners)
        } catch {
            Terminal.error("trellis: \(error)")
            throw ExitCode.someRejected
        }
        try await store.withStore { store in
            for partner in partners {
                try await store.savePartner(partner, context: AuditContext(actor: StoreOptions.actor(by), purpose: "operations"))
            }
        }
        print("stored \(partners.count) partner\(partners.count == 1 ? "" : "s"): \(partners.map(\.id).joined(separator: ", "))")
    }
}

struct PartnerRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a partner from the database (its organizations' referrals wait for another partner).",
        discussion: "Exit 0 when removed, 2 when there was no such partner.")

    @Argument(help: "The partner's id.") var id: String
    @OptionGroup var store: StoreOptions
    @Option(help: "Who is acting, for the audit trail (default: $USER).") var by: String?

    func run() async throws {
        let removed = try await store.withStore { store in
            try await store.removePartner(id: id, context: AuditContext(actor: StoreOptions.actor(by), purpose: "operations"))
        }
        guard removed else {
            Terminal.error("trellis: no partner \(id)")
            throw ExitCode.unreadable
        }
        print("removed partner \(id)")
    }
}

struct PartnerList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The partners in the database (secrets are not shown).")

    @OptionGroup var store: StoreOptions
    @Flag(help: "JSON: {\"partners\": [...]}, signing secrets replaced by their count.") var json = false

    func run() async throws {
        let partners = try await store.withStore { try await $0.partners() }
        if json {
            let entries = partners.map { partner -> [String: Any] in
                ["id": partner.id, "organizations": partner.organizations, "delivery": partner.delivery.rawValue, "endpoint": partner.endpoint?.absoluteString ?? NSNull(),
                 "format": partner.format.rawValue, "signing_secrets": partner.signingSecrets.count,
                 "response_deadline_business_days": partner.responseDeadlineBusinessDays, "status_mode": partner.statusMode.rawValue]
            }
            print(String(decoding: try JSONSerialization.data(withJSONObject: ["partners": entries], options: [.sortedKeys]), as: UTF8.self))
            return
        }
        for partner in partners {
            print("\(partner.id)  \(partner.endpoint?.absoluteString ?? "inbox")  \(partner.format.rawValue)  \(partner.statusMode.rawValue)  "
                  + "answers for \(partner.organizations.joined(separator: ", "))  \(partner.signingSecrets.count) signing secret(s)")
        }
    }
}
