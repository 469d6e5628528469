public import Foundation

/// One plain-text e-mail: the envelope (`from`, `to`) and what the headers say.
public struct MailMessage: Sendable {
    public var from: MailAddress
    /// The display name beside `from` in the From header ("Trellis").
    public var fromName: String
    public var to: [MailAddress]
    public var subject: String
    /// Plain text; any line endings (they are sent as CRLF).
    public var body: String
    public var date: Date
    /// Without angle brackets: `UUID@domain`.
    public var messageID: String

    public init(from: MailAddress, fromName: String = "Trellis", to: [MailAddress], subject: String, body: String, date: Date,
                messageID: String? = nil) {
        self.from = from
        self.fromName = fromName
        self.to = to
        self.subject = subject
        self.body = body
        self.date = date
        self.messageID = messageID ?? "\(UUID().uuidString.lowercased())@\(from.domain)"
    }
}
