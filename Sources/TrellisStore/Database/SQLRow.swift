public import Foundation

/// One row a statement returned, read by column position. Each backend reads its own storage; a
/// value of the wrong type, or NULL where a value is required, is an error, never a guess.
public protocol SQLRow: Sendable {
    func isNull(_ column: Int) -> Bool
    func text(_ column: Int) throws -> String
    func integer(_ column: Int) throws -> Int64
    func real(_ column: Int) throws -> Double
    func blob(_ column: Int) throws -> Data
    func date(_ column: Int) throws -> Date
    func bool(_ column: Int) throws -> Bool
}

/// A Swift type a column reads as: `let id: String = try row[0]`, `let at: Date? = try row[3]`.
public protocol SQLColumnDecodable {
    static func decode(_ row: any SQLRow, _ column: Int) throws -> Self
}

extension SQLRow {
    public subscript<T: SQLColumnDecodable>(_ column: Int) -> T {
        get throws { try T.decode(self, column) }
    }
}

/// A column that held something other than what the code reads it as.
public struct SQLColumnError: Error, CustomStringConvertible {
    public var column: Int
    public var expected: String
    public init(column: Int, expected: String) {
        self.column = column
        self.expected = expected
    }
    public var description: String { "column \(column) is not \(expected)" }
}

extension String: SQLColumnDecodable { public static func decode(_ row: any SQLRow, _ column: Int) throws -> String { try row.text(column) } }
extension Int64: SQLColumnDecodable { public static func decode(_ row: any SQLRow, _ column: Int) throws -> Int64 { try row.integer(column) } }
extension Double: SQLColumnDecodable { public static func decode(_ row: any SQLRow, _ column: Int) throws -> Double { try row.real(column) } }
extension Data: SQLColumnDecodable { public static func decode(_ row: any SQLRow, _ column: Int) throws -> Data { try row.blob(column) } }
extension Date: SQLColumnDecodable { public static func decode(_ row: any SQLRow, _ column: Int) throws -> Date { try row.date(column) } }
extension Bool: SQLColumnDecodable { public static func decode(_ row: any SQLRow, _ column: Int) throws -> Bool { try row.bool(column) } }

extension Int: SQLColumnDecodable {
    public static func decode(_ row: any SQLRow, _ column: Int) throws -> Int {
        guard let value = Int(exactly: try row.integer(column)) else { throw SQLColumnError(column: column, expected: "a whole number") }
        return value
    }
}

extension Optional: SQLColumnDecodable where Wrapped: SQLColumnDecodable {
    public static func decode(_ row: any SQLRow, _ column: Int) throws -> Wrapped? {
        row.isNull(column) ? nil : try Wrapped.decode(row, column)
    }
}
