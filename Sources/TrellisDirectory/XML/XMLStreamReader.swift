import CLibXML2
import Synchronization
import TrellisCore

/// One problem libxml2 reported, with where it happened.
struct XMLProblem: Sendable {
    var line: Int
    var column: Int
    var message: String
    var isFatal: Bool
}

/// libxml2's `xmlTextReader` over a file: a forward-only pull parser that never builds the whole
/// document. Owns its C reader; one instance per file, used from one thread.
final class XMLStreamReader {
    enum NodeType: Int32 {
        case element = 1, text = 3, cdata = 4, entityReference = 5, processingInstruction = 7, comment = 8
        case documentType = 10, significantWhitespace = 14, endElement = 15, other = -1
    }

    private let reader: xmlTextReaderPtr
    private let problems = ProblemBox()
    /// Element names interned in this reader's dictionary.
    private(set) lazy var names = AIRSNames(reader: reader)
    /// Set when libxml2 answered -1: only then is its thread-local last error ours.
    private var failed = false

    /// Opens `path` with the safe options: no network, no entity substitution, no DTD loading,
    /// the default amplification and depth guards (never XML_PARSE_HUGE), line numbers past 65535.
    init(path: String) throws(DirectoryFileError) {
        LibXML2.initialise()
        // libxml2's last error is per thread and outlives a parse: clear what an earlier file left.
        xmlResetLastError()
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_NOCDATA.rawValue
                            | XML_PARSE_COMPACT.rawValue | XML_PARSE_NOBLANKS.rawValue)
        guard let reader = xmlReaderForFile(path, nil, options) else {
            throw .unreadable("libxml2 could not open the file")
        }
        self.reader = reader
        xmlTextReaderSetStructuredErrorHandler(reader, { context, error in
            guard let context, let error else { return }
            Unmanaged<ProblemBox>.fromOpaque(context).takeUnretainedValue().record(error.pointee)
        }, Unmanaged.passUnretained(problems).toOpaque())
    }

    deinit {
        xmlFreeTextReader(reader)
    }

    /// Advances to the next node: true while there is one. A parse error ends the walk; read
    /// `problems` to see why.
    func read() -> Bool { advance(xmlTextReaderRead(reader)) }

    /// Skips the current node's subtree (freeing it) and moves to the next sibling.
    func skipSubtree() -> Bool { advance(xmlTextReaderNext(reader)) }

    private func advance(_ result: Int32) -> Bool {
        if result == -1 { failed = true }
        return result == 1
    }

    var nodeType: NodeType { NodeType(rawValue: xmlTextReaderNodeType(reader)) ?? .other }
    var depth: Int { Int(xmlTextReaderDepth(reader)) }
    /// Line of the current node (the parser itself may have read further ahead).
    var line: Int {
        guard let node = xmlTextReaderCurrentNode(reader) else { return Int(xmlTextReaderGetParserLineNumber(reader)) }
        return Int(xmlGetLineNo(node))
    }
    var column: Int { Int(xmlTextReaderGetParserColumnNumber(reader)) }

    var localName: String {
        guard let name = xmlTextReaderConstLocalName(reader) else { return "" }
        return String(cString: UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
    }

    var namespaceURI: String? {
        guard let uri = xmlTextReaderConstNamespaceUri(reader) else { return nil }
        return String(cString: UnsafeRawPointer(uri).assumingMemoryBound(to: CChar.self))
    }

    func attribute(_ name: String) -> String? {
        guard let value = xmlTextReaderGetAttribute(reader, name) else { return nil }
        defer { cxml_free(value) }
        return String(cString: UnsafeRawPointer(value).assumingMemoryBound(to: CChar.self))
    }

    /// Builds the current element's subtree in memory (one agency at a time) and returns it.
    /// The subtree lives until the reader moves past it.
    func expand() -> XMLNode? {
        guard let node = xmlTextReaderExpand(reader) else { return nil }
        return XMLNode(pointer: node, names: names)
    }

    /// Problems libxml2 reported so far, in order.
    var reportedProblems: [XMLProblem] { problems.all }

    /// The first fatal problem, if the parse has failed.
    var fatalProblem: XMLProblem? {
        if let fatal = problems.all.first(where: \.isFatal) { return fatal }
        guard failed else { return nil }
        // Some failures bypass the structured handler; libxml2 still keeps the last error.
        if let last = xmlGetLastError(), last.pointee.level == XML_ERR_FATAL {
            defer { xmlResetLastError() }
            return XMLProblem(error: last.pointee)
        }
        return XMLProblem(line: line, column: column, message: "libxml2 stopped reading", isFatal: true)
    }
}

/// Collects libxml2's structured errors. libxml2 calls back synchronously on the reading thread;
/// the lock keeps the type honest for Swift's checker.
final class ProblemBox: Sendable {
    private let problems = Mutex<[XMLProblem]>([])
    private static let limit = 1_000

    func record(_ error: xmlError) {
        problems.withLock { list in
            if list.count < Self.limit { list.append(XMLProblem(error: error)) }
        }
    }

    var all: [XMLProblem] { problems.withLock { $0 } }
}

extension XMLProblem {
    init(error: xmlError) {
        let raw = error.message.map { String(cString: $0) } ?? "unknown XML error"
        self.init(line: Int(error.line), column: Int(error.int2), message: raw.trimmingWhitespace(),
                  isFatal: error.level == XML_ERR_FATAL || error.level == XML_ERR_ERROR)
    }
}

/// Process-wide libxml2 set-up, done once: parser globals and an entity loader that refuses every
/// external resource (no file, no network), whatever a document asks for.
enum LibXML2 {
    private static let done = Mutex(false)

    static func initialise() {
        done.withLock { done in
            guard !done else { return }
            xmlInitParser()
            cxml_install_safe_entity_loader()
            done = true
        }
    }

    static var version: String { String(cString: cxml_dotted_version()) }
}
