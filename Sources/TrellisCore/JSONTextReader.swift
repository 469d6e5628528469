/// Reads JSON text front to back without building a tree: the counterpart of `JSONTextWriter` for
/// documents Trellis wrote itself (stored services), where Foundation's `JSONDecoder` was half of a
/// server's start. Anything it does not expect throws `JSONTextReader.Unexpected`, and the caller reads
/// the document again with `JSONDecoder`, whose error names the field.
public struct JSONTextReader {
    /// Where the text stopped being what the reader expected (an offset into the bytes).
    public struct Unexpected: Error, Equatable {
        public let offset: Int
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    public init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The error for what is at the current position.
    public func unexpected() -> Unexpected { Unexpected(offset: index) }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// The next meaningful byte, not consumed.
    private mutating func peek() throws(Unexpected) -> UInt8 {
        skipWhitespace()
        guard index < bytes.count else { throw unexpected() }
        return bytes[index]
    }

    private mutating func consume(_ byte: UInt8) throws(Unexpected) {
        guard try peek() == byte else { throw unexpected() }
        index += 1
    }

    private mutating func consumeWord(_ word: StaticString) throws(Unexpected) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw unexpected() }
        for k in 0..<count where bytes[index + k] != word.utf8Start[k] { throw unexpected() }
        index += count
    }

    /// Nothing but white space is left.
    public mutating func end() throws(Unexpected) {
        skipWhitespace()
        guard index == bytes.count else { throw unexpected() }
    }

    /// Reads an object, handing each key to `member`, which must read the key's value.
    public mutating func object(_ member: (inout JSONTextReader, String) throws(Unexpected) -> Void) throws(Unexpected) {
        try consume(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") { index += 1; return }
        while true {
            let key = try string()
            try consume(UInt8(ascii: ":"))
            try member(&self, key)
            switch try peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return
            default: throw unexpected()
            }
        }
    }

    /// Reads an array, calling `element` to read each element.
    public mutating func array(_ element: (inout JSONTextReader) throws(Unexpected) -> Void) throws(Unexpected) {
        try consume(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") { index += 1; return }
        while true {
            try element(&self)
            switch try peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return
            default: throw unexpected()
            }
        }
    }

    /// An array whose elements `element` reads.
    public mutating func list<Element>(_ element: (inout JSONTextReader) throws(Unexpected) -> Element) throws(Unexpected) -> [Element] {
        var values: [Element] = []
        try array { (reader: inout JSONTextReader) throws(Unexpected) in values.append(try element(&reader)) }
        return values
    }

    /// An array of strings.
    public mutating func strings() throws(Unexpected) -> [String] {
        try list { (reader: inout JSONTextReader) throws(Unexpected) in try reader.string() }
    }

    /// Whether the next value is `null`; consumes it when it is.
    public mutating func null() throws(Unexpected) -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        try consumeWord("null")
        return true
    }

    public mutating func bool() throws(Unexpected) -> Bool {
        switch try peek() {
        case UInt8(ascii: "t"): try consumeWord("true"); return true
        case UInt8(ascii: "f"): try consumeWord("false"); return false
        default: throw unexpected()
        }
    }

    /// A whole number written as one (no fraction or exponent), within `Int`.
    public mutating func int() throws(Unexpected) -> Int {
        _ = try peek()
        let start = index
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var value = 0
        let digits = index
        // Negative numbers are gathered below zero, so that `Int.min` reads too.
        while index < bytes.count, case let digit = bytes[index] &- UInt8(ascii: "0"), digit < 10 {
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = negative ? times.subtractingReportingOverflow(Int(digit)) : times.addingReportingOverflow(Int(digit))
            guard !o1 && !o2 else { throw Unexpected(offset: start) }
            value = sum
            index += 1
        }
        // A leading zero only alone; no fraction or exponent (JSONDecoder decides what those mean).
        guard index > digits, !(bytes[digits] == UInt8(ascii: "0") && index - digits > 1) else { throw Unexpected(offset: start) }
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) { throw Unexpected(offset: start) }
        return value
    }

    /// A number, read as Swift reads the same text (correctly rounded).
    public mutating func double() throws(Unexpected) -> Double {
        _ = try peek()
        let start = index
        while index < bytes.count, Self.isNumberByte(bytes[index]) { index += 1 }
        // JSON's grammar, which is narrower than `Double.init` ("inf", "0x1p3", ".5", "5." are not JSON).
        let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
        guard Self.isJSONNumber(text), let value = Double(String(decoding: text, as: UTF8.self)), value.isFinite else {
            throw Unexpected(offset: start)
        }
        // Too small for a Double (`5e-3324` reads as 0): JSONDecoder refuses it, so it is left to JSONDecoder.
        guard value != 0 || !Self.hasNonzeroMantissa(text) else { throw Unexpected(offset: start) }
        return value
    }

    /// Whether a number's digits before its exponent are not all zero.
    private static func hasNonzeroMantissa(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in text {
            if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { return false }
            if (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(byte) { return true }
        }
        return false
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): true
        default: false
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    static func isJSONNumber(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        func digits() -> Int {
            let start = i
            while i < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[i]) { i += 1 }
            return i - start
        }
        if i < text.count, text[i] == UInt8(ascii: "-") { i += 1 }
        let leading = i
        let whole = digits()
        guard whole > 0, !(whole > 1 && text[leading] == UInt8(ascii: "0")) else { return false }
        if i < text.count, text[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return false }
        }
        if i < text.count, text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E") {
            i += 1
            if i < text.count, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == text.count
    }

    /// A string, its escapes undone. Raw control characters, bad escapes and lone surrogates are unexpected.
    public mutating func string() throws(Unexpected) -> String {
        try consume(UInt8(ascii: "\""))
        let start = index
        var bits: UInt8 = 0
        // Most strings have no escape: one copy straight from the bytes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                // ASCII is valid as it stands (and most text is ASCII); anything else is validated.
                if bits < 0x80 { return String(decoding: text, as: UTF8.self) }
                guard let value = String(validating: text, as: UTF8.self) else { throw Unexpected(offset: start) }
                return value
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw unexpected() }
            bits |= byte
            index += 1
        }
        var scalars = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let value = String(validating: scalars, as: UTF8.self) else { throw Unexpected(offset: start) }
                return value
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw unexpected() }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800...0xDBFF).contains(code) {
                        try consumeWord("\\u")
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw unexpected() }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw unexpected() }
                    scalars.append(contentsOf: UTF8.encode(scalar)!)
                default:
                    throw unexpected()
                }
            default:
                guard byte >= 0x20 else { throw unexpected() }
                scalars.append(byte)
            }
        }
        throw unexpected()
    }

    private mutating func hex4() throws(Unexpected) -> UInt32 {
        guard index + 4 <= bytes.count else { throw unexpected() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw unexpected()
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}
