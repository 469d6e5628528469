import ArgumentParser

struct ReferralCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "referral",
        abstract: "Create referrals and track them across agencies until the loop is closed.",
        discussion: """
        Statuses are FHIR Task statuses: draft, requested, accepted, rejected, cancelled, in-progress, on-hold, \
        failed, completed, entered-in-error. The referrer sets draft, requested, cancelled and entered-in-error; \
        the receiving agency the rest. rejected, cancelled, on-hold and failed need a reason.
        """,
        subcommands: [ReferralCreate.self, ReferralStatusCommand.self, ReferralShow.self, ReferralList.self, ReferralReceiptCommand.self])
}

struct ConsentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent",
        abstract: "Manage the consent recorded with a referral.",
        subcommands: [ConsentRevoke.self, ConsentSweep.self])
}
