import ArgumentParser
import Foundation
import Logging
import TrellisCore
import TrellisStore

/// `--db` and `--config`: which database a command works on, and the settings around it.
struct StoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp("""
        The database: a file path or sqlite:PATH for SQLite, postgres://user:password@host:port/database for \
        PostgreSQL (default: `database` in config/trellis.json, or $TRELLIS_DB).
        """, valueName: "url"))
    var db: String?

    @Option(help: ArgumentHelp("Trellis settings (default: config/trellis.json, or $TRELLIS_CONFIG).", valueName: "file"))
    var config: String?

    @Option(name: .customLong("audit-key"), help: ArgumentHelp("""
        The audit signing key (default: audit.signing_key_file in the settings, or audit-signing.key beside the \
        database). In production keep it off the database's disk.
        """, valueName: "file"))
    var auditKey: String?

    func settings() throws -> StoreSettings {
        let file = try TrellisSettingsFile.load(explicit: config)
        let environment = ProcessInfo.processInfo.environment
        let database = db ?? environment["TRELLIS_DB"].flatMap(\.nonBlank) ?? file.database ?? "data/trellis.sqlite"
        return StoreSettings(
            location: StoreLocation(database),
            dataKey: environment[DataKey.environmentVariable].flatMap(\.nonBlank) ?? file.dataKey,
            dataKeyFile: file.dataKeyFile,
            checkpointFile: file.audit?.checkpointFile,
            signingKeyFile: auditKey ?? file.audit?.signingKeyFile,
            checkpointEvery: file.audit?.checkpointEvery ?? 1_000,
            calendar: try file.referrals?.calendar() ?? BusinessCalendar(),
            responseDeadlineBusinessDays: file.referrals?.responseDeadlineBusinessDays ?? 2,
            followUpDays: try file.referrals?.checkedFollowUpDays() ?? 30)
    }

    /// Runs `body` with the store open, and always closes it (signing a final audit checkpoint).
    /// Store errors become one line on standard error and the exit status their kind calls for.
    func withStore<T>(_ settings: StoreSettings? = nil, _ body: (any TrellisStore) async throws -> T) async throws -> T {
        let opened: StoreOpener.Opened
        do {
            opened = try await StoreOpener.open(try settings ?? self.settings(), logger: Self.logger)
        } catch {
            Terminal.error("trellis: cannot open the database: \(StoreFailure.describe(error))")
            throw ExitCode.unreadable
        }
        for notice in opened.notices { Terminal.error("trellis: \(notice)") }
        do {
            let result = try await body(opened.store)
            try await opened.store.close()
            return result
        } catch {
            try? await opened.store.close()
            throw StoreFailure.exit(for: error)
        }
    }

    /// Warnings and errors only, on standard error: standard output carries the command's answer.
    static let logger: Logger = {
        var logger = Logger(label: "trellis", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .warning
        return logger
    }()

    /// Who is acting, for the audit trail.
    static func actor(_ explicit: String?) -> String {
        explicit?.nonBlank ?? ProcessInfo.processInfo.environment["USER"]?.nonBlank.map { "cli:\($0)" } ?? "cli"
    }
}

/// Maps what a command ran into to a line on standard error and an exit status: 1 when Trellis
/// refused the request (an illegal move, a conflict, a consent that does not cover it), 2 when
/// something named does not exist or cannot be read.
enum StoreFailure {
    static func exit(for error: any Error) -> any Error {
        if error is ExitCode || error is CleanExit { return error }
        if let failure = error as? CommandFailure {
            Terminal.error("trellis: \(failure)")
            return ExitCode.unreadable
        }
        Terminal.error("trellis: \(describe(error))")
        if let store = error as? StoreError {
            switch store {
            case .referralNotFound, .serviceNotFound, .userNotFound, .undecryptable: return ExitCode.unreadable
            default: return ExitCode.someRejected
            }
        }
        return ExitCode.unreadable
    }

    static func describe(_ error: any Error) -> String {
        if let store = error as? StoreError { return store.description }
        return String(describing: error)
    }
}
