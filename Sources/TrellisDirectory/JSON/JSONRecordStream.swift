import Foundation

/// Splits a JSON directory file into its records without holding the file in memory: the elements
/// of a top-level array, the `contents` of an HSDA page, the lines of NDJSON, or one top-level
/// object. Each record arrives as its bytes with the line and column where it starts.
struct JSONRecordStream {
    enum Layout: String, Sendable {
        case array, page, lines, object
    }

    struct Record {
        var bytes: UnsafeBufferPointer<UInt8>
        var line: Int
        var column: Int
    }

    /// A fault in the file's structure (as opposed to one record's content).
    struct StructureFault: Sendable {
        var line: Int
        var column: Int
        var message: String
    }

    static let defaultChunkSize = 4 << 20

    let path: String
    /// How much is read at a time; records may straddle chunks.
    var chunkSize = Self.defaultChunkSize

    /// Calls `body` for each record, in order. Returns the layout found and, when the structure
    /// broke, where; records before the break have been delivered.
    func forEachRecord(_ body: (Record) -> Void) throws(DirectoryFileError) -> (layout: Layout?, fault: StructureFault?) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .unreadable("cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var scanner = Scanner()
        var buffer = [UInt8]()
        buffer.reserveCapacity(chunkSize * 2)
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, chunkSize) }
            if n < 0 { throw .unreadable("read failed: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            buffer.append(contentsOf: chunk[0..<n])
            let keepFrom = buffer.withUnsafeBufferPointer { scanner.scan($0, atEnd: false, body) }
            if keepFrom > 0 {
                buffer.removeSubrange(0..<keepFrom)
                scanner.shift(by: keepFrom)
            }
            if scanner.fault != nil { break }
        }
        _ = buffer.withUnsafeBufferPointer { scanner.scan($0, atEnd: true, body) }
        return (scanner.layout, scanner.fault)
    }
}

/// The byte-level state machine behind `JSONRecordStream`.
private struct Scanner {
    var layout: JSONRecordStream.Layout?
    var fault: JSONRecordStream.StructureFault?

    // The next byte to scan, its line, and where that line starts (columns are counted from it).
    var pos = 0
    var line = 1
    var depth = 0
    var inString = false
    var escaped = false
    var stringStart = 0
    // The record being delimited.
    var recordStart: Int?
    var recordLine = 0
    var recordColumn = 0
    /// Depth at which records sit: 1 for array elements, 2 for page contents, 0 for top-level
    /// values, -1 while inside a page envelope after its contents.
    var recordDepth = 0
    // HSDA page detection: the key whose value is being read at depth 1 of a top-level object.
    var keyCandidate: [UInt8] = []
    var currentKey: [UInt8] = []
    var lineStart = 0

    static let contentsKey = Array("contents".utf8)

    mutating func shift(by n: Int) {
        pos -= n
        stringStart -= n
        lineStart -= n
        if let s = recordStart { recordStart = s - n }
    }

    /// Scans what is buffered; returns the offset before which bytes are no longer needed.
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, atEnd: Bool, _ body: (JSONRecordStream.Record) -> Void) -> Int {
        if fault != nil { return pos }
        if layout == nil {
            guard decideLayout(bytes, atEnd: atEnd) else { return 0 }
            if fault != nil { return pos }
        }
        if layout == .lines { return scanLines(bytes, atEnd: atEnd, body) }
        let count = bytes.count
        while pos < count {
            if inString {
                if escaped {
                    // The byte after a backslash is the escape's own (`n`, `u`, `"`, `\\`): it never
                    // ends the string. Skipping ahead first would take the closing quote as escaped.
                    escaped = false
                    if bytes[pos] == 0x0A {
                        line += 1
                        lineStart = pos + 1
                    }
                    pos += 1
                    continue
                }
                // Most bytes sit inside strings: jump to the closing quote, unless a backslash or a
                // newline comes first (then step to it).
                pos = JSONBytes.skipPlainString(bytes, from: pos)
                guard pos < count else { break }
                let b = bytes[pos]
                if b == UInt8(ascii: "\\") {
                    escaped = true
                } else if b == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 1 && layout == .object {
                        keyCandidate = Self.key(UnsafeBufferPointer(rebasing: bytes[stringStart...pos]))
                    }
                } else {
                    line += 1
                    lineStart = pos + 1
                }
                pos += 1
                continue
            }
            let b = bytes[pos]
            switch b {
            case UInt8(ascii: "\""):
                if depth == recordDepth && recordStart == nil { startRecord() }
                inString = true
                stringStart = pos
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if b == UInt8(ascii: "["), depth == 1, layout == .object, currentKey == Self.contentsKey {
                    // An HSDA page: stream its contents rather than buffer the envelope.
                    layout = .page
                    recordStart = nil
                    recordDepth = 2
                } else if depth == recordDepth && recordStart == nil {
                    startRecord()
                }
                depth += 1
                if depth > JSONParser.maximumDepth {
                    fault = .init(line: line, column: pos - lineStart + 1, message: "nesting deeper than \(JSONParser.maximumDepth) levels")
                    return pos
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                // A scalar record ends at its container's close.
                if depth == recordDepth && recordStart != nil { finishRecord(bytes, end: pos, body) }
                depth -= 1
                if depth < 0 {
                    fault = .init(line: line, column: pos - lineStart + 1, message: "unexpected '\(UnicodeScalar(b))' with nothing open")
                    return pos
                }
                if layout == .page && recordDepth == 2 && depth == 1 {
                    recordDepth = -1
                } else if layout == .page && depth == 0 {
                    recordDepth = 0
                } else if depth == recordDepth && recordStart != nil {
                    finishRecord(bytes, end: pos + 1, body)
                }
            case UInt8(ascii: ","):
                if depth == recordDepth && recordStart != nil { finishRecord(bytes, end: pos, body) }
            case UInt8(ascii: ":"):
                if depth == 1 { currentKey = keyCandidate }
            case 0x0A:
                line += 1
                lineStart = pos + 1
            case 0x20, 0x09, 0x0D:
                break
            default:
                if depth == recordDepth && recordStart == nil { startRecord() }
            }
            pos += 1
        }
        if atEnd {
            if depth > 0 || inString {
                fault = .init(line: line, column: pos - lineStart + 1, message: inString
                    ? "unexpected end of file inside a string"
                    : "unexpected end of file: \(depth) array(s) or object(s) still open")
            } else if recordStart != nil {
                finishRecord(bytes, end: count, body)
            }
        }
        var keep = recordStart ?? pos
        if inString { keep = min(keep, stringStart) }
        return keep
    }

    /// A short key's text, escapes decoded (`"cont\u0065nts"` is `contents`); long keys are never
    /// the one looked for.
    static func key(_ quoted: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        guard quoted.count <= 6 * 32 + 2 else { return [] }
        guard quoted.contains(UInt8(ascii: "\\")) else { return Array(quoted.dropFirst().dropLast()) }
        guard case .string(let text)? = try? JSONParser.parse(quoted) else { return [] }
        return Array(text.utf8)
    }

    mutating func startRecord() {
        recordStart = pos
        recordLine = line
        recordColumn = pos - lineStart + 1
    }

    mutating func finishRecord(_ bytes: UnsafeBufferPointer<UInt8>, end: Int, _ body: (JSONRecordStream.Record) -> Void) {
        guard let start = recordStart else { return }
        recordStart = nil
        body(.init(bytes: UnsafeBufferPointer(rebasing: bytes[start..<end]), line: recordLine, column: recordColumn))
    }

    /// Looks at the first value: `[` is an array; `{` whose first line is a whole value is NDJSON;
    /// any other `{` is one object (an HSDA page is recognised when its `contents` array opens).
    /// Decides between an array, NDJSON and one object from the first value. Returns false, changing
    /// nothing, when the bytes so far cannot tell (the caller reads more and asks again), so the
    /// decision and the line numbers never depend on where a read happened to end.
    mutating func decideLayout(_ bytes: UnsafeBufferPointer<UInt8>, atEnd: Bool) -> Bool {
        var i = 0
        // Counted into locals, kept only once decided: a put-off decision starts from the same bytes again.
        var line = self.line, lineStart = self.lineStart
        // A byte-order mark cut by a read: wait for the rest of it.
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        if !atEnd, bytes.count < 3, bytes.elementsEqual(bom.prefix(bytes.count)) { return false }
        // A byte-order mark is not part of the first line's text (an NDJSON line would not parse with it).
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3; lineStart = 3 }
        while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) {
            if bytes[i] == 0x0A { line += 1; lineStart = i + 1 }
            i += 1
        }
        guard i < bytes.count else {
            if atEnd { fault = .init(line: line, column: i - lineStart + 1, message: "the file holds no JSON value") }
            return false
        }
        switch bytes[i] {
        case UInt8(ascii: "["):
            layout = .array
            recordDepth = 1
        case UInt8(ascii: "{"):
            // Find the end of the first line and check whether it closes the first value.
            guard let end = firstLineEnd(bytes, from: i) else {
                if !atEnd { return false }
                // The whole file is one line without a newline (compact JSON, as APIs answer): one
                // object, which may be an HSDA page whose contents are the records.
                layout = .object
                recordDepth = 0
                break
            }
            if valueCloses(bytes, from: i, to: end) {
                // One line that closes a value: NDJSON when another value follows, one object when
                // nothing does; when the bytes so far end in white space, read on to know.
                switch hasMoreContent(bytes, after: end, atEnd: atEnd) {
                case true?: layout = .lines
                case false?: layout = .object; recordDepth = 0
                case nil: return false
                }
            } else {
                layout = .object
                recordDepth = 0
            }
        default:
            fault = .init(line: line, column: i - lineStart + 1, message: "expected '[' or '{' at the start of a directory")
            return false
        }
        self.line = line
        self.lineStart = lineStart
        pos = i
        return true
    }

    func firstLineEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var j = from
        while j < bytes.count { if bytes[j] == 0x0A { return j }; j += 1 }
        return nil
    }

    /// Whether anything but white space follows `after`: nil when only white space was read so far
    /// and the file goes on (the answer is in bytes not yet read).
    func hasMoreContent(_ bytes: UnsafeBufferPointer<UInt8>, after: Int, atEnd: Bool) -> Bool? {
        var j = after
        while j < bytes.count {
            if ![0x20, 0x0A, 0x0D, 0x09].contains(bytes[j]) { return true }
            j += 1
        }
        return atEnd ? false : nil
    }

    func valueCloses(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Bool {
        var d = 0, inStr = false, esc = false
        for j in from..<to {
            let b = bytes[j]
            if inStr {
                if esc { esc = false } else if b == UInt8(ascii: "\\") { esc = true } else if b == UInt8(ascii: "\"") { inStr = false }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inStr = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): d += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                d -= 1
                if d == 0 { return true }
            default: break
            }
        }
        return false
    }

    /// NDJSON: every non-blank line is one record.
    mutating func scanLines(_ bytes: UnsafeBufferPointer<UInt8>, atEnd: Bool, _ body: (JSONRecordStream.Record) -> Void) -> Int {
        while pos < bytes.count {
            if bytes[pos] == 0x0A {
                emitLine(bytes, end: pos, body)
                pos += 1
                line += 1
                lineStart = pos
            } else {
                pos += 1
            }
        }
        if atEnd, lineStart < bytes.count {
            emitLine(bytes, end: bytes.count, body)
            lineStart = bytes.count
        }
        return lineStart
    }

    mutating func emitLine(_ bytes: UnsafeBufferPointer<UInt8>, end: Int, _ body: (JSONRecordStream.Record) -> Void) {
        var s = lineStart, e = end
        while s < e, [0x20, 0x0D, 0x09].contains(bytes[s]) { s += 1 }
        while e > s, [0x20, 0x0D, 0x09].contains(bytes[e - 1]) { e -= 1 }
        guard s < e else { return }
        body(.init(bytes: UnsafeBufferPointer(rebasing: bytes[s..<e]), line: line, column: s - lineStart + 1))
    }
}
