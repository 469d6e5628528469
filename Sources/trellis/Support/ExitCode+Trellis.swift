import ArgumentParser

extension ExitCode {
    /// Some records were rejected (or violate the schema); the rest were read.
    static let someRejected = ExitCode(1)
    /// A file could not be read at all, or the command was used wrongly.
    static let unreadable = ExitCode(2)
}
