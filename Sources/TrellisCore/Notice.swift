public import Foundation

/// An e-mail notice telling an agency that something waits in its Trellis inbox. It says which
/// organization and where the inbox is, nothing more: it holds no referral, so no name, need,
/// reference or referral id can reach the mail, which leaves Trellis without the person's consent.
public struct Notice: Hashable, Sendable, Codable {
    public enum Kind: String, CaseIterable, Codable, Sendable {
        /// A referral has just reached the inbox.
        case waiting
        /// A referral in the inbox is past its response deadline.
        case overdue
        /// Once a day while anything in the inbox still waits for an answer.
        case dailyReminder = "daily_reminder"
        /// `trellis mail test`: proves the settings reach the address.
        case test
        /// A supporter copied, with the person's consent, on a referral's status change (`SupporterNotice`).
        case supporterUpdate = "supporter_update"
    }

    public var kind: Kind
    /// The organization's display name from the directory, on one line.
    public var organizationName: String
    /// The inbox page: the site's address with `/inbox`.
    public var inboxLink: URL

    /// `site` is Trellis's public address (`https://trellis.example.org`); the link goes to its `/inbox`.
    public init(kind: Kind, organizationName: String, site: URL) {
        self.kind = kind
        self.organizationName = Self.oneLine(organizationName)
        self.inboxLink = Self.inbox(of: site)
    }

    /// The notice for `referral`'s organization. Only the organization id is read from the referral;
    /// `organizationName` looks up its display name (nil: the id stands in, an id is no personal data).
    public static func about(_ referral: Referral, kind: Kind, organizationName: (String) -> String?, site: URL) -> Notice {
        let id = referral.organizationID
        return Notice(kind: kind, organizationName: organizationName(id)?.nonBlank ?? id, site: site)
    }

    public var subject: String {
        switch kind {
        case .waiting: "A referral is waiting for \(organizationName) in Trellis"
        case .overdue: "A referral for \(organizationName) is past its response deadline in Trellis"
        case .dailyReminder: "Referrals are still waiting for \(organizationName) in Trellis"
        case .test: "Test notice from Trellis for \(organizationName)"
        case .supporterUpdate: "An update from Trellis"
        }
    }

    /// Plain text, lines ending in "\n".
    public var body: String {
        let link = inboxLink.absoluteString
        let first = switch kind {
        case .waiting: "A referral is waiting for \(organizationName) in Trellis: \(link)"
        case .overdue: "A referral for \(organizationName) is past its response deadline in Trellis: \(link)"
        case .dailyReminder: "Referrals are still waiting for \(organizationName) in Trellis: \(link)"
        case .test: "This is a test notice from Trellis for \(organizationName). Notices will reach this address. The inbox: \(link)"
        case .supporterUpdate: "An update from Trellis."
        }
        return """
        \(first)

        Sign in to read and answer. This e-mail says nothing about the person on purpose: what they \
        agreed to share is in Trellis, behind your sign-in.

        """
    }

    /// Control characters (a line break would start a new mail header) and runs of white space
    /// become one space; at most 200 characters.
    static func oneLine(_ text: String) -> String {
        var words: [Substring] = []
        for word in text.split(whereSeparator: { $0.isWhitespace || $0.unicodeScalars.contains { $0.properties.generalCategory == .control } }) {
            words.append(word)
        }
        let line = words.joined(separator: " ")
        return line.count > 200 ? String(line.prefix(199)) + "…" : line
    }

    static func inbox(of site: URL) -> URL {
        let text = site.absoluteString
        let base = text.hasSuffix("/") ? String(text.dropLast()) : text
        return URL(string: base + "/inbox") ?? site.appendingPathComponent("inbox")
    }
}
