import ArgumentParser
import Foundation
import TrellisStore

/// `trellis partner token ID`: an API token for a partner's system, as the alternative to signing
/// its status updates. The token reads only referrals addressed to the partner's organizations and
/// answers only for them.
struct PartnerToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue an API token for a partner's system (shown once).",
        discussion: """
        The partner must be stored (`trellis partner add`). Its system then sends `Authorization: Bearer TOKEN` \
        to POST /v1/partners/ID/status instead of a webhook signature (an Idempotency-Key header makes a retried \
        answer count once), and may read the referrals addressed to its organizations at GET /v1/referrals, or \
        pull them as FHIR (GET /fhir/Task, /fhir/Task/ID, /fhir/ServiceRequest/ID) and answer with PUT /fhir/Task/ID.
        """)

    @Argument(help: "The partner's id.") var id: String
    @Option(name: .customLong("token-days"), help: "Days until the token expires.") var tokenDays = 365
    @OptionGroup var store: StoreOptions
    @Option(help: "Who is acting, for the audit trail (default: $USER).") var by: String?

    func validate() throws {
        guard (1...3_650).contains(tokenDays) else { throw ValidationError("--token-days is 1 to 3650") }
    }

    func run() async throws {
        let context = AuditContext(actor: StoreOptions.actor(by), purpose: "security")
        let token = try await store.withStore { store -> IssuedToken? in
            guard try await store.partners().contains(where: { $0.id == id }) else { return nil }
            let userID = "partner-" + id
            if try await store.user(id: userID) == nil {
                try await store.addUser(UserAccount(id: userID, name: "Partner \(id)", role: .partner, organizationID: id, createdAt: Date()),
                                        passwordHash: nil, context: context)
            }
            return try await store.issueToken(userID: userID, expiresAt: Date().addingTimeInterval(Double(tokenDays) * 86_400), context: context)
        }
        guard let token else {
            Terminal.error("trellis: no partner \(id) (store it first with `trellis partner add FILE`)")
            throw ExitCode.unreadable
        }
        print("API token for partner \(id) (shown once; keep it secret): \(token.secret)")
        print("expires \(token.expiresAt?.formatted(.iso8601) ?? "never")")
    }
}
