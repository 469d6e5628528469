public import ArgumentParser
public import TrellisCore
import TrellisStore

extension ReferralStatus: ExpressibleByArgument {}
extension ReferralParty: ExpressibleByArgument {}
extension AgencyAnswerReason: ExpressibleByArgument {}

struct ReferralStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Move a referral to a new status, as the referrer or the receiving agency.",
        discussion: """
        An agency completing, failing or rejecting a referral may say how it ended with --outcome (and \
        --outcome-text; required with other): completed takes service_started, goal_met or other; failed \
        person_declined, could_not_contact, not_eligible, no_capacity or other; rejected not_eligible, \
        no_capacity, person_declined or other. --contact-attempted with in-progress records a contact \
        attempt (also when the referral is already in progress).

        Exit status 0 when the change is applied; 1, with the reason, when the move is illegal, not that \
        party's to make, lacks a required reason, carries an outcome its status does not allow, or the \
        referral changed since --if-version; 2 when there is no such referral.
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

    @Option(help: ArgumentHelp("How it ended or why it was turned down (an outcome code).", valueName: "code"))
    var outcome: AgencyAnswerReason?

    @Option(name: .customLong("outcome-text"), help: ArgumentHelp("The outcome in words (required with other).", valueName: "text"))
    var outcomeText: String?

    @Flag(name: .customLong("contact-attempted"), help: "With in-progress: the agency tried to reach the person.")
    var contactAttempted = false

    @Option(name: .customLong("if-version"), help: ArgumentHelp("Apply only if the referral is still at this version.", valueName: "n"))
    var expectedVersion: Int?

    @Option(help: ArgumentHelp("Who is acting (a user id or partner:ID; default: cli:$USER).", valueName: "user"))
    var by: String?

    @Flag(help: "Print the referral as JSON.")
    var json = false

    func validate() throws {
        if outcomeText != nil && outcome == nil { throw ValidationError("--outcome-text goes with --outcome") }
    }

    func run() async throws {
        let request = StatusChangeRequest(referralID: referralID, status: status, party: party, reason: reason,
                                          source: .cli, expectedVersion: expectedVersion,
                                          outcome: outcome.map { ReferralOutcome(code: $0, text: outcomeText) },
                                          businessStatus: contactAttempted ? .contactAttempted : nil)
        let context = AuditContext(actor: StoreOptions.actor(by), purpose: "coordination")
        let referral = try await store.withStore { try await $0.changeStatus(request, context: context) }
        try ReferralOutput.print(referral, json: json, now: context.now)
    }
}
