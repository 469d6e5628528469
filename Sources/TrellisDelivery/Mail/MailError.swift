/// Why a message was not accepted by the mail server, classified so an outbox can decide whether to
/// try again. The message never holds the password.
public struct MailError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// No connection: refused (nobody listens), unreachable, DNS.
        case connect
        /// The connect or total time limit passed (a server that accepts and never answers).
        case timeout
        /// TLS failed: the certificate was not trusted, the handshake failed, or STARTTLS was required
        /// and the server does not offer it.
        case tls
        /// The server refused the user name and password.
        case authentication
        /// The server refused the recipient (RCPT TO).
        case rejectedRecipient = "rejected_recipient"
        /// The server refused the sender (MAIL FROM).
        case rejectedSender = "rejected_sender"
        /// The server refused the message itself (after DATA), or the greeting or EHLO.
        case rejectedMessage = "rejected_message"
        /// The connection broke mid-exchange.
        case network
        /// Refused before sending: settings Trellis does not allow (a scheme other than smtp or smtps).
        case refused
    }

    public var kind: Kind
    public var message: String
    /// The server's last SMTP reply code (550, 421, ...), when it answered at all.
    public var replyCode: Int?
    public var duration: Duration

    public init(_ kind: Kind, _ message: String, replyCode: Int? = nil, duration: Duration = .zero) {
        self.kind = kind
        self.message = message
        self.replyCode = replyCode
        self.duration = duration
    }

    /// Worth trying again later: the server was down, slow or cut the line, or answered with a
    /// temporary (4xx) refusal. A permanent refusal (5xx), a TLS or authentication failure or settings
    /// Trellis refuses need someone to change something first.
    public var isRetryable: Bool {
        switch kind {
        case .connect, .timeout, .network: true
        case .rejectedRecipient, .rejectedSender, .rejectedMessage: replyCode.map { (400..<500).contains($0) } ?? false
        case .tls, .authentication, .refused: false
        }
    }

    public var description: String {
        "\(kind.rawValue)\(replyCode.map { " (\($0))" } ?? ""): \(message)"
    }
}
