/// Refuses keys a type does not know, so a typo in a profile ("agee") is an error naming the
/// field instead of a value silently ignored.
public struct AnyCodingKey: CodingKey {
    public var stringValue: String
    public var intValue: Int?
    public init(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}

extension Decoder {
    public func rejectUnknownKeys<Key: CodingKey & CaseIterable>(_ known: Key.Type) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        // The key type's own lookup (a switch over its names): no set built per decoded object.
        for key in container.allKeys where Key(stringValue: key.stringValue) == nil {
            throw DecodingError.dataCorrupted(.init(
                codingPath: codingPath + [key], debugDescription: "unknown field"))
        }
    }
}

extension DecodingError {
    /// "person.age: expected a whole number" — the dotted path of the field at fault and why.
    public var fieldAndReason: (field: String, reason: String) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch self {
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "expected \(Self.describe(type))")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "expected \(Self.describe(type)), found null")
        case .keyNotFound(let key, let context):
            return (path(context.codingPath + [key]), "required field is missing")
        case .dataCorrupted(let context):
            return (path(context.codingPath), context.debugDescription)
        @unknown default:
            return ("", String(describing: self))
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "a whole number"
        case is Double.Type: "a number"
        case is String.Type: "text"
        case is Bool.Type: "true or false"
        case let vocabulary as any Vocabulary.Type: "one of \(vocabulary.words.joined(separator: ", "))"
        case is any ExpressibleByDictionaryLiteral.Type: "an object"
        case is any ExpressibleByArrayLiteral.Type: "a list"
        case is any Decodable.Type: "an object"
        default: "a value of another kind"
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

extension KeyedDecodingContainer {
    /// An optional field whose schema has a default but does not allow null: absent is the default,
    /// null is refused ("expected true or false, found null") instead of read as absent.
    public func decodeIfPresentRefusingNull<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) {
            throw DecodingError.valueNotFound(type, .init(codingPath: codingPath + [key], debugDescription: "null is not allowed here"))
        }
        return try decode(type, forKey: key)
    }
}
