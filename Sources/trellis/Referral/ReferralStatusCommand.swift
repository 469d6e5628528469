public import ArgumentParser
public import TrellisCore
import TrellisStore

extension ReferralStatus: ExpressibleByArgument {}
extension ReferralParty: ExpressibleByArgument {}

struct ReferralStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Move a referral to a new status, as the referrer or the receiving agency.",
        discussion: """
        Exit status 0 when the change is applied; 1, with the reason, when the move is illegal, not that \
        party's to make, lacks a required reason, or the referral changed since --if-version; 2 when there \
        is no such referral.
        """)

    @Argument(help: ArgumentHelp("The referral's id.", valueName: "referral-id"))
    var referralID: String

    @Argument(help: ArgumentHelp("The new status.", valueName: "status"))
    var status: ReferralStatus

    @OptionGroup var store: StoreOptions

    @Option(name: .customLong("as"), help: ArgumentHelp("Who makes the move: referrer or agency.", valueName: "party"))
    var party: ReferralParty

    @Option(help: ArgumentHelp("Why (required for rejected, cancelled, on-hold and failed).", valueName: "text"))
    var reason: String?

    @Option(name: .customLong("if-version"), help: ArgumentHelp("Apply only if the referral is still at this version.", valueName: "n"))
    var expectedVersion: Int?

    @Option(help: ArgumentHelp("Who is acting (a user id or partner:ID; default: cli:$USER).", valueName: "user"))
    var by: String?

    @Flag(help: "Print the referral as JSON.")
    var json = false

    func run() async throws {
        let request = StatusChangeRequest(referralID: referralID, status: status, party: party, reason: reason,
                                          source: .cli, expectedVersion: expectedVersion)
        let context = AuditContext(actor: StoreOptions.actor(by), purpose: "coordination")
        let referral = try await store.withStore { try await $0.changeStatus(request, context: context) }
        try ReferralOutput.print(referral, json: json, now: context.now)
    }
}
