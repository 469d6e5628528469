public import Foundation

/// One HTTP request Trellis makes to a partner.
public struct OutgoingRequest: Sendable {
    public enum Method: String, Sendable { case get = "GET", post = "POST", put = "PUT" }

    public var method: Method
    public var url: URL
    /// In the order they are sent; names as written.
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(method: Method, url: URL, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A partner's answer.
public struct IncomingResponse: Sendable {
    public var status: Int
    /// Lower-cased names; a repeated header keeps its last value.
    public var headers: [String: String]
    /// At most `TransportSettings.maximumResponseBytes`; the rest is discarded unread.
    public var body: Data
    public var duration: Duration
    /// The body was longer than `TransportSettings.maximumResponseBytes` and was cut there.
    public var bodyTruncated: Bool

    public init(status: Int, headers: [String: String], body: Data, duration: Duration, bodyTruncated: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.duration = duration
        self.bodyTruncated = bodyTruncated
    }

    /// The first characters of the body, printable, for the delivery record.
    public var excerpt: String { Self.excerpt(body) }

    static func excerpt(_ body: Data, limit: Int = 300) -> String {
        let text = String(decoding: body.prefix(limit * 4), as: UTF8.self)
        let printable = text.unicodeScalars.map { $0.properties.isWhitespace ? " " : (($0.value < 0x20 || $0.value == 0x7F) ? "?" : String($0)) }.joined()
        return printable.count > limit ? String(printable.prefix(limit)) + "…" : printable
    }
}

/// Why a request got no HTTP answer. The class is what the delivery record keeps.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// No connection: refused, unreachable, DNS.
        case connect
        /// The connect or total time limit passed.
        case timeout
        /// The certificate was not trusted, or the handshake failed.
        case tls
        /// The connection broke mid-exchange (reset, empty reply).
        case network
        /// Refused before sending: a scheme or setting Trellis does not allow.
        case refused
    }

    public var kind: Kind
    public var message: String
    public var duration: Duration

    public init(_ kind: Kind, _ message: String, duration: Duration = .zero) {
        self.kind = kind
        self.message = message
        self.duration = duration
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}

/// Limits and trust for a partner's connections.
public struct TransportSettings: Hashable, Sendable {
    public var connectTimeout: Duration
    public var totalTimeout: Duration
    /// PEM file of the CAs to trust instead of the system's.
    public var caBundle: String?
    /// PEM client certificate and key for mutual TLS.
    public var clientCertificate: String?
    public var clientKey: String?
    public var maximumResponseBytes: Int

    public init(connectTimeout: Duration = .seconds(5), totalTimeout: Duration = .seconds(30), caBundle: String? = nil,
                clientCertificate: String? = nil, clientKey: String? = nil, maximumResponseBytes: Int = 64 * 1024) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.caBundle = caBundle
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.maximumResponseBytes = maximumResponseBytes
    }
}
