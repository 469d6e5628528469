public import Foundation

/// A message between the case worker's side and the agency about one referral. Its text is a
/// person's data: the store keeps it sealed and audits every read and write.
public struct ReferralMessage: Codable, Hashable, Sendable {
    public var id: String
    public var referralID: String
    public var fromParty: ReferralParty
    /// A user id, or `partner:ID` for a message an agency's system sent.
    public var author: String
    public var text: String
    public var createdAt: Date
    /// Said by the author: the text carries the person's information, so the consent must cover clinical notes.
    public var containsPersonalInformation: Bool

    public init(id: String, referralID: String, fromParty: ReferralParty, author: String, text: String, createdAt: Date,
                containsPersonalInformation: Bool) {
        self.id = id
        self.referralID = referralID
        self.fromParty = fromParty
        self.author = author
        self.text = text
        self.createdAt = createdAt
        self.containsPersonalInformation = containsPersonalInformation
    }

    enum CodingKeys: String, CodingKey {
        case id, author, text
        case referralID = "referral_id", fromParty = "from_party", createdAt = "created_at",
             containsPersonalInformation = "contains_personal_information"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        referralID = try c.decode(String.self, forKey: .referralID)
        fromParty = try c.decode(ReferralParty.self, forKey: .fromParty)
        author = try c.decode(String.self, forKey: .author)
        text = try c.decode(String.self, forKey: .text)
        let at = try c.decode(String.self, forKey: .createdAt)
        guard let date = try? Date.ISO8601FormatStyle().parse(at) else {
            throw DecodingError.dataCorruptedError(forKey: .createdAt, in: c, debugDescription: "expected an ISO 8601 date and time")
        }
        createdAt = date
        containsPersonalInformation = try c.decode(Bool.self, forKey: .containsPersonalInformation)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(referralID, forKey: .referralID)
        try c.encode(fromParty, forKey: .fromParty)
        try c.encode(author, forKey: .author)
        try c.encode(text, forKey: .text)
        try c.encode(createdAt.formatted(.iso8601), forKey: .createdAt)
        try c.encode(containsPersonalInformation, forKey: .containsPersonalInformation)
    }
}

/// The rules for a message's text, the same for the API, the pages and partners' systems.
public enum MessageText {
    /// At most this many characters (after control characters are removed).
    public static let maximumCharacters = 4_000

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case tooLong(Int)

        public var description: String {
            switch self {
            case .empty: "text: a message needs some text"
            case .tooLong(let count): "text: a message is at most \(MessageText.maximumCharacters.formatted()) characters (this one has \(count.formatted()))"
            }
        }
    }

    /// The text as stored: control characters removed (line breaks and tabs kept, `\r\n` made `\n`),
    /// trimmed; refused when nothing is left or it is too long.
    public static func clean(_ text: String) throws(Problem) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.replacingOccurrences(of: "\r\n", with: "\n").unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control where scalar != "\n" && scalar != "\t": continue
            case .format where (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value): continue  // bidi overrides
            default: scalars.append(scalar)
            }
        }
        guard let cleaned = String(scalars).nonBlank else { throw .empty }
        let count = cleaned.count
        guard count <= maximumCharacters else { throw .tooLong(count) }
        return cleaned
    }
}
