/// A JSON text written straight into bytes, for the answers the server sends most (a ranking on every
/// `POST /v1/matches`): Foundation's `JSONEncoder` builds a tree of values and sorts every object's
/// keys on each call, which cost a quarter of a match request's time. Callers write keys in sorted
/// order themselves; the output is the same bytes `JSONEncoder` gives with `.sortedKeys` and
/// `.withoutEscapingSlashes` (checked against it by differential tests).
public struct JSONTextWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Whether the next value in the current object or array needs a comma before it.
    private var needsComma = false

    public init(capacity: Int = 1_024) { bytes.reserveCapacity(capacity) }

    /// Empties the text and keeps its storage, for writing many small texts one after another.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        needsComma = false
    }

    // MARK: - Containers

    public mutating func object(_ body: (inout JSONTextWriter) -> Void) {
        container(UInt8(ascii: "{"), UInt8(ascii: "}"), body)
    }

    public mutating func array(_ body: (inout JSONTextWriter) -> Void) {
        container(UInt8(ascii: "["), UInt8(ascii: "]"), body)
    }

    private mutating func container(_ open: UInt8, _ close: UInt8, _ body: (inout JSONTextWriter) -> Void) {
        separate()
        bytes.append(open)
        needsComma = false
        body(&self)
        bytes.append(close)
        needsComma = true
    }

    /// A key inside an object; the value written next belongs to it. Keys are the caller's own
    /// literals, which need no escaping, so their bytes are copied as they are.
    public mutating func key(_ key: StaticString) {
        assert(key.withUTF8Buffer { !$0.contains(where: Self.mustEscape) }, "a key that needs escaping: \(key)")
        separate()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// A key that is data rather than the caller's literal (a payload's own keys): escaped like any text.
    public mutating func key(text: String) {
        separate()
        string(text)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    // MARK: - Values

    public mutating func value(_ text: String) {
        separate()
        string(text)
        needsComma = true
    }

    public mutating func value(_ text: String?) {
        if let text { value(text) } else { null() }
    }

    public mutating func value(_ flag: Bool) {
        separate()
        bytes.append(contentsOf: flag ? "true".utf8 : "false".utf8)
        needsComma = true
    }

    public mutating func value(_ number: Int) {
        separate()
        bytes.append(contentsOf: String(number).utf8)
        needsComma = true
    }

    /// A finite number as `JSONEncoder` writes it: Swift's shortest form, without a trailing ".0".
    public mutating func value(_ number: Double) {
        precondition(number.isFinite, "JSON has no form for \(number)")
        separate()
        var text = number.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
        needsComma = true
    }

    public mutating func value(_ number: Double?) {
        if let number { value(number) } else { null() }
    }

    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    // MARK: - Writing

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    /// A quoted string: the quote, the backslash and control characters escaped, everything else
    /// (slashes and non-ASCII text included) as its UTF-8 bytes.
    private mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            if utf8.contains(where: Self.mustEscape) { escaped(utf8) } else { bytes.append(contentsOf: utf8) }  // most texts: nothing to escape
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// The quote, the backslash and control characters: the bytes JSON text cannot hold as they are.
    private static func mustEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private mutating func escaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var start = 0
        for (index, byte) in utf8.enumerated() where Self.mustEscape(byte) {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            default:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0xF)]])
            }
            start = index + 1
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
    }
}
