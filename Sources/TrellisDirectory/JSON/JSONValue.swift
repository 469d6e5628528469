/// A parsed JSON value. Objects keep their members in order as pairs: HSDS records have a few
/// dozen keys, where a linear scan is cheaper than hashing every key.
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        // Last one wins for duplicate keys, as most parsers do.
        for member in members.reversed() where member.key == key { return member.value }
        return nil
    }

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var arrayValue: [JSONValue] {
        if case .array(let a) = self { return a }
        return []
    }

    var objectMembers: [(key: String, value: JSONValue)] {
        if case .object(let members) = self { return members }
        return []
    }

    var isObject: Bool {
        if case .object = self { return true }
        return false
    }
}
