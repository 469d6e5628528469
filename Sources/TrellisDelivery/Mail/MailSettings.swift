public import Foundation

/// How Trellis reaches its mail server (config/trellis.json `mail`, or `TRELLIS_SMTP_*`). The
/// description names the server and the user, never the password.
public struct MailSettings: Sendable, CustomStringConvertible {
    /// `smtp://host:port` (STARTTLS when `startTLS`) or `smtps://host:port` (TLS from the start).
    public var url: URL
    public var from: MailAddress
    /// The display name in the From header.
    public var fromName: String
    public var username: String?
    public var password: String?
    /// With an `smtp://` URL: require STARTTLS, and refuse to send if the server does not offer it.
    public var startTLS: Bool
    public var connectTimeout: Duration
    public var totalTimeout: Duration
    /// PEM file of the CAs to trust instead of the system's (a private mail server's CA).
    public var caBundle: String?
    /// Trellis's public address, for the link to the inbox in a notice.
    public var site: URL

    /// Throws `.refused` for a URL that is not `smtp://` or `smtps://` with a host.
    public init(url: URL, from: MailAddress, fromName: String = "Trellis", username: String? = nil, password: String? = nil,
                startTLS: Bool = false, connectTimeout: Duration = .seconds(10), totalTimeout: Duration = .seconds(30),
                caBundle: String? = nil, site: URL) throws(MailError) {
        guard let scheme = url.scheme?.lowercased(), scheme == "smtp" || scheme == "smtps" else {
            throw MailError(.refused, "mail.url: only smtp:// and smtps:// are allowed, not \(url.scheme.map { "\($0)://" } ?? "no scheme")")
        }
        guard let host = url.host, !host.isEmpty else { throw MailError(.refused, "mail.url: no host") }
        guard url.user == nil, url.password == nil else {
            throw MailError(.refused, "mail.url: put the user name and password in mail.username and mail.password, not in the URL")
        }
        self.url = url
        self.from = from
        self.fromName = fromName
        self.username = username
        self.password = password
        self.startTLS = startTLS
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.caBundle = caBundle
        self.site = site
    }

    /// `smtp://host:port` and how it is secured; the user name but not the password.
    public var server: String {
        let scheme = url.scheme?.lowercased() ?? "smtp"
        let port = url.port ?? (scheme == "smtps" ? 465 : 25)
        return "\(scheme)://\(url.host ?? "?"):\(port)"
    }

    public var description: String {
        let security = url.scheme?.lowercased() == "smtps" ? "TLS" : startTLS ? "STARTTLS required" : "no TLS"
        let login = username.map { " as \($0)" + (password == nil ? "" : " (password set)") } ?? ""
        return "\(server) (\(security))\(login), from \(from)"
    }
}
