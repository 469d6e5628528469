import ArgumentParser

@main
struct Trellis: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trellis",
        abstract: "Integrated-care referral routing for recovery-oriented systems of care.",
        discussion: """
        Reads provider directories (211 AIRS XML, Open Referral HSDS JSON), ranks the services that fit a \
        person's needs and explains every rank, sends referrals under the person's consent and tracks them \
        across agencies until the loop is closed, with a tamper-evident audit trail.
        """,
        version: "0.1.0",
        subcommands: [DirectoryCommand.self, MatchCommand.self, ReferralCommand.self, ConsentCommand.self, AuditCommand.self,
                      ReportCommand.self, DeliverCommand.self, PartnerCommand.self, PartnerSimCommand.self, ServeCommand.self, UserCommand.self,
                      TokenCommand.self, MailCommand.self])
}
