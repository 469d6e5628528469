import ArgumentParser
import TrellisStore

/// How an import names its source and treats the source's services its files no longer hold.
struct DirectoryReplacementOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The source the services come from, e.g. bc211 (default: each record's own provider id).", valueName: "name"))
    var source: String?

    @Flag(help: "Withdraw the source's stored services that these files no longer hold (a full export).")
    var replaceSource = false

    @Option(help: ArgumentHelp("With --replace-source, refuse to withdraw more than this share of the source's services (0-1).", valueName: "share"))
    var maxWithdrawalShare = DirectoryReplacement.defaultMaxWithdrawalShare

    @Flag(help: "Withdraw even more than --max-withdrawal-share (an export that really shrank).")
    var allowMassWithdrawal = false

    func validate() throws {
        guard (0...1).contains(maxWithdrawalShare) else { throw ValidationError("--max-withdrawal-share: a share between 0 and 1 is expected, as 0.2") }
        if let source, source.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--source: a name is expected") }
    }

    var replacement: DirectoryReplacement {
        DirectoryReplacement(replaceSource: replaceSource, maxWithdrawalShare: maxWithdrawalShare, allowMassWithdrawal: allowMassWithdrawal)
    }
}
