import ArgumentParser
import Foundation
import TrellisCore
import TrellisStore

/// `trellis referral receipt ID`: the person's receipt as JSON, as `GET /v1/referrals/{id}/receipt` gives it.
struct ReferralReceiptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipt",
        abstract: "Print a referral's receipt for the person (JSON): what was shared, with whom, when, under which consent, with its audit proof.",
        discussion: "Check it later against the audit trail with `trellis audit verify --receipt FILE`.")

    @Argument(help: ArgumentHelp("The referral's id.", valueName: "referral-id"))
    var referralID: String

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("Who is reading (default: cli:$USER).", valueName: "user"))
    var by: String?

    func run() async throws {
        let context = AuditContext(actor: StoreOptions.actor(by), purpose: "coordination")
        let receipt = try await store.withStore { try await $0.receipt(referralID: referralID, scope: .everything, context: context) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        Swift.print(String(decoding: try encoder.encode(receipt), as: UTF8.self))
    }
}
