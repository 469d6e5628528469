/// Why a whole file could not be read (exit code 2 on the command line). Record-level faults are
/// never thrown: they are rejections or warnings in the file's report.
public enum DirectoryFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Missing, unreadable, empty.
    case unreadable(String)
    /// Neither XML nor JSON, or XML/JSON that is not a provider directory.
    case notADirectory(String)
    /// Refused for safety: a DTD, entity expansion, nesting or size past the limits.
    case hostile(String)
    /// Broken before any record could be read.
    case malformed(String)

    public var description: String {
        switch self {
        case .unreadable(let m), .notADirectory(let m), .hostile(let m), .malformed(let m): m
        }
    }
}
