public import Foundation

/// A value bound to a statement. Each case keeps its type when it is null, so PostgreSQL is told the
/// parameter's type either way.
public enum SQLValue: Sendable, Hashable {
    case text(String?)
    case integer(Int64?)
    case real(Double?)
    case blob(Data?)
    case date(Date?)
    case bool(Bool?)
}
