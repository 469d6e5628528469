import CLibXML2
import TrellisCore

/// A reference read of AIRS XML for tests and the fuzzer: libxml2 parses the whole document into a
/// tree in one call (xmlReadMemory), and each top-level agency goes through the same mapping as the
/// streaming reader. Whatever the streaming reader gets from its reads, expansions and skips must be
/// what this plain DOM read gets from the same bytes. Never used to import: it holds the whole file.
enum AIRSDocumentReference {
    /// The organizations and services of a well-formed AIRS document; nil when libxml2 does not
    /// parse it or its root is not `<Source>`.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, path: String, taxonomy: TaxonomyMap) -> CollectingSink? {
        LibXML2.initialise()
        guard let base = bytes.baseAddress, bytes.count <= Int(Int32.max) else { return nil }
        // The streaming reader's options, so both see the same document.
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_NOCDATA.rawValue
                            | XML_PARSE_COMPACT.rawValue | XML_PARSE_NOBLANKS.rawValue | XML_PARSE_NOERROR.rawValue
                            | XML_PARSE_NOWARNING.rawValue)
        let raw = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
        guard let document = xmlReadMemory(raw, Int32(bytes.count), path, nil, options) else {
            xmlResetLastError()
            return nil
        }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document), let dictionary = document.pointee.dict,
              cxml_name_is(root.pointee.name, "Source") != 0 else { return nil }
        let names = AIRSNames(dictionary: dictionary)
        let source = xmlGetProp(root, "SourceEntity").map { value -> String? in
            defer { cxml_free(value) }
            return String(cString: UnsafeRawPointer(value).assumingMemoryBound(to: CChar.self)).nonBlank
        } ?? nil
        var context = AIRSContext(taxonomy: taxonomy, path: path, source: source ?? AIRSReader.fileStem(path))
        var sink = CollectingSink()
        var report = FileReport(path: path)
        for agency in XMLNode(pointer: root, names: names).children where agency.isNamed(.agency) {
            context.readAgency(agency, parentID: nil, depth: 1, into: &sink, report: &report)
        }
        return sink
    }
}
