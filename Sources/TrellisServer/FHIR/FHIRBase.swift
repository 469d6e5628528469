import Foundation
import Hummingbird

/// The FHIR base URL full URLs and links are written against: the request's own host, over https
/// unless it is a loopback name (a development server), and `http://127.0.0.1` when the Host header
/// is missing or not a plain host and port.
struct FHIRBase: Sendable {
    let root: String

    init(_ request: Request) {
        let host = request.head.authority ?? ""
        guard Self.isPlainHost(host) else {
            root = "http://127.0.0.1/fhir"
            return
        }
        let name = host.hasPrefix("[") ? String(host.prefix { $0 != "]" }) + "]" : String(host.prefix { $0 != ":" })
        let loopback = ["localhost", "127.0.0.1", "[::1]"].contains(name.lowercased())
        root = (loopback ? "http://" : "https://") + host + "/fhir"
    }

    func url(_ path: String) -> String { root + "/" + path }

    /// Letters, digits, `.-:[]` and at most 255 bytes: a host name or address with a port.
    static func isPlainHost(_ text: String) -> Bool {
        (1...255).contains(text.utf8.count) && text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || ".-:[]".unicodeScalars.contains(scalar))
        }
    }
}
