import ArgumentParser

@main
struct Trellis: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trellis",
        abstract: "Integrated-care referral routing for recovery-oriented systems of care.",
        discussion: """
        Reads provider directories (211 AIRS XML, Open Referral HSDS JSON), ranks the services that fit a \
        person's needs and explains every rank.
        """,
        version: "0.1.0",
        subcommands: [DirectoryCommand.self, MatchCommand.self])
}
