// The HSDS harness's oracle: Foundation's JSONSerialization parses the same bytes in one piece, the
// records are picked out of the result by the layout rules of docs/directory-formats.md (the
// elements of an array, the `contents` of an HSDA page, else the one object), and each goes through
// the same mapping. Whatever the streaming reader (JSONRecordStream + JSONParser) read must be that.
import Foundation
import TrellisCore
@testable import TrellisDirectory

enum FoundationOracle {
    /// The services and organizations a plain parse gives, or nil when the bytes are not one JSON
    /// array or object that Foundation reads (NDJSON, broken JSON, other encodings).
    static func read(_ data: Data, path: String) -> CollectingSink? {
        // Foundation also reads UTF-16 and UTF-32; the directory reader reads UTF-8 only.
        guard String(data: data, encoding: .utf8) != nil else { return nil }
        // Foundation drops a raw U+FEFF (EF BB BF) that follows an escape or opens a string, where the
        // reader keeps it as RFC 8259 says: such inputs (past a leading byte-order mark) are not compared.
        let zeroWidthNoBreak = Data([0xEF, 0xBB, 0xBF])
        if data.count > 1, data.range(of: zeroWidthNoBreak, in: (data.startIndex + 1)..<data.endIndex) != nil { return nil }
        guard let top = try? JSONSerialization.jsonObject(with: data), let value = convert(top) else { return nil }
        // Past the reader's nesting limit the reader refuses on purpose.
        guard depth(value) <= JSONParser.maximumDepth else { return nil }
        let records: [JSONValue]
        switch value {
        case .array(let elements): records = elements
        case .object:
            if case .array(let contents)? = value["contents"] { records = contents } else { records = [value] }
        default: return nil
        }
        var mapper = HSDSMapper(taxonomy: FuzzSupport.taxonomy, path: path)
        var sink = CollectingSink()
        var report = FileReport(path: path)
        for record in records { mapper.readRecord(record, line: 0, into: &sink, report: &report) }
        return sink
    }

    /// Foundation's objects as the reader's values.
    static func convert(_ object: Any) -> JSONValue? {
        switch object {
        case is NSNull: return .null
        case let s as String: return .string(s)
        case let n as NSNumber:
            // Foundation gives true and false as a boolean NSNumber, whose type code is "c".
            if String(cString: n.objCType) == "c" { return .bool(n.boolValue) }
            return .number(n.doubleValue)
        case let a as [Any]:
            var out: [JSONValue] = []
            for element in a { guard let v = convert(element) else { return nil }; out.append(v) }
            return .array(out)
        case let d as [String: Any]:
            // A dictionary has no order: keys sorted, so duplicates and order never matter to the mapping.
            var out: [(key: String, value: JSONValue)] = []
            for key in d.keys.sorted() { guard let v = d[key].flatMap(convert) else { return nil }; out.append((key, v)) }
            return .object(out)
        default: return nil
        }
    }

    static func depth(_ value: JSONValue) -> Int {
        switch value {
        case .array(let a): 1 + (a.map(depth).max() ?? 0)
        case .object(let o): 1 + (o.map { depth($0.value) }.max() ?? 0)
        default: 0
        }
    }
}
