public import Foundation

/// One SQL statement written once for both backends: literal SQL with its values interpolated as
/// bound parameters, never as text. Each backend renders the placeholders its own way (`?` or `$n`).
///
///     "SELECT id FROM referral WHERE created_by = \(actor) AND organization_id IN \(list: organizations)"
public struct SQLQuery: Sendable, ExpressibleByStringInterpolation {
    enum Part: Sendable {
        case sql(String)
        case value(SQLValue)
    }

    private(set) var parts: [Part] = []
    /// A statement whose text depends on the size of a list is not worth a cached prepared statement.
    private(set) var isVariable = false

    public init(stringLiteral value: String) { parts = [.sql(value)] }

    public init(stringInterpolation: StringInterpolation) {
        parts = stringInterpolation.parts
        isVariable = stringInterpolation.isVariable
    }

    /// The text with `placeholder(n)` (1-based) for each value, and the values in order.
    public func render(placeholder: (Int) -> String) -> (sql: String, values: [SQLValue]) {
        var sql = ""
        var values: [SQLValue] = []
        for part in parts {
            switch part {
            case .sql(let text): sql += text
            case .value(let value):
                values.append(value)
                sql += placeholder(values.count)
            }
        }
        return (sql, values)
    }

    /// Fragments joined with a separator, e.g. the clauses of a WHERE.
    public static func joined(_ fragments: [SQLQuery], separator: String) -> SQLQuery {
        var result = SQLQuery(stringLiteral: "")
        for (index, fragment) in fragments.enumerated() {
            if index > 0 { result.parts.append(.sql(separator)) }
            result.parts += fragment.parts
            result.isVariable = result.isVariable || fragment.isVariable
        }
        return result
    }

    public static func + (lhs: SQLQuery, rhs: SQLQuery) -> SQLQuery {
        var result = lhs
        result.parts += rhs.parts
        result.isVariable = lhs.isVariable || rhs.isVariable
        return result
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var parts: [Part] = []
        var isVariable = false

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) { parts.append(.sql(literal)) }
        public mutating func appendInterpolation(_ value: String) { parts.append(.value(.text(value))) }
        public mutating func appendInterpolation(_ value: String?) { parts.append(.value(.text(value))) }
        public mutating func appendInterpolation(_ value: Int) { parts.append(.value(.integer(Int64(value)))) }
        public mutating func appendInterpolation(_ value: Int?) { parts.append(.value(.integer(value.map(Int64.init)))) }
        public mutating func appendInterpolation(_ value: Int64) { parts.append(.value(.integer(value))) }
        public mutating func appendInterpolation(_ value: Double) { parts.append(.value(.real(value))) }
        public mutating func appendInterpolation(_ value: Double?) { parts.append(.value(.real(value))) }
        public mutating func appendInterpolation(_ value: Data) { parts.append(.value(.blob(value))) }
        public mutating func appendInterpolation(_ value: Data?) { parts.append(.value(.blob(value))) }
        public mutating func appendInterpolation(_ value: Date) { parts.append(.value(.date(value))) }
        public mutating func appendInterpolation(_ value: Date?) { parts.append(.value(.date(value))) }
        public mutating func appendInterpolation(_ value: Bool) { parts.append(.value(.bool(value))) }
        public mutating func appendInterpolation(_ value: SQLValue) { parts.append(.value(value)) }

        /// `(?, ?, ?)`; `(NULL)` for an empty list, which matches nothing in `IN` (callers leave
        /// out a `NOT IN` of an empty list: it would exclude everything).
        public mutating func appendInterpolation(list values: [String]) {
            isVariable = true
            guard !values.isEmpty else { parts.append(.sql("(NULL)")); return }
            parts.append(.sql("("))
            for (index, value) in values.enumerated() {
                if index > 0 { parts.append(.sql(", ")) }
                parts.append(.value(.text(value)))
            }
            parts.append(.sql(")"))
        }

        /// Trusted SQL text (a column list, a clause the code wrote), never a request's value.
        public mutating func appendInterpolation(unescaped text: String) { parts.append(.sql(text)) }

        public mutating func appendInterpolation(_ fragment: SQLQuery) {
            parts += fragment.parts
            isVariable = isVariable || fragment.isVariable
        }
    }
}
