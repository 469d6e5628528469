import CLibXML2
import TrellisCore

/// A borrowed view of an element in an expanded libxml2 subtree. Valid only while the reader that
/// produced it has not moved on; never escapes the AIRS reader.
struct XMLNode {
    let pointer: xmlNodePtr
    /// The reader's interned element names.
    let names: AIRSNames

    /// Whether this element is `element`: one pointer comparison (names are interned).
    @inline(__always) func isNamed(_ element: AIRSElement) -> Bool {
        pointer.pointee.name == names[element]
    }

    var name: String {
        guard let name = pointer.pointee.name else { return "" }
        return String(cString: UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
    }

    /// 1-based line where the element starts.
    var line: Int { Int(xmlGetLineNo(pointer)) }

    /// Element children, in document order.
    var children: XMLChildren { XMLChildren(first: pointer.pointee.children, names: names) }

    func child(_ element: AIRSElement) -> XMLNode? {
        for child in children where child.isNamed(element) { return child }
        return nil
    }

    func children(_ element: AIRSElement) -> [XMLNode] {
        children.filter { $0.isNamed(element) }
    }

    /// The concatenated text of the element, trimmed; nil when blank.
    var text: String? {
        // Fast path: a single text child, the common case for leaf elements.
        if let only = pointer.pointee.children, only.pointee.next == nil,
           only.pointee.type == XML_TEXT_NODE, let content = only.pointee.content {
            return Self.trimmedString(content)
        }
        guard let content = xmlNodeGetContent(pointer) else { return nil }
        defer { cxml_free(content) }
        return Self.trimmedString(content)
    }

    /// Trims ASCII white space on the bytes, then makes one String (nil when nothing is left).
    static func trimmedString(_ content: UnsafePointer<xmlChar>) -> String? {
        let length = strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
        var start = 0, end = length
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
        while start < end, isSpace(content[start]) { start += 1 }
        while end > start, isSpace(content[end - 1]) { end -= 1 }
        guard end > start else { return nil }
        let text = String(decoding: UnsafeBufferPointer(start: content + start, count: end - start), as: UTF8.self)
        // Unicode spaces (no-break space and kin) are rare; the general trim catches them.
        return text.nonBlank
    }

    /// Text of the first child element with this name.
    func text(of element: AIRSElement) -> String? { child(element)?.text }

    func attribute(_ literal: StaticString) -> String? {
        literal.withUTF8Buffer { buffer -> String? in
            // StaticString storage is NUL-terminated for literals.
            guard let value = xmlGetProp(pointer, buffer.baseAddress) else { return nil }
            defer { cxml_free(value) }
            return String(cString: UnsafeRawPointer(value).assumingMemoryBound(to: CChar.self)).nonBlank
        }
    }
}

struct XMLChildren: Sequence {
    let first: xmlNodePtr?
    let names: AIRSNames

    struct Iterator: IteratorProtocol {
        var cursor: xmlNodePtr?
        let names: AIRSNames
        mutating func next() -> XMLNode? {
            while let node = cursor {
                cursor = node.pointee.next
                if node.pointee.type == XML_ELEMENT_NODE { return XMLNode(pointer: node, names: names) }
            }
            return nil
        }
    }

    func makeIterator() -> Iterator { Iterator(cursor: first, names: names) }
}
