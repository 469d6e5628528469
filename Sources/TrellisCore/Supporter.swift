/// Someone in the person's support network (a family member, a peer mentor, a faith contact, a
/// sponsor) and how to reach them. A supporter's details are the person's data: sealed at rest like
/// the person's own name, never read by matching, never sent to an agency. With the person's consent
/// (`consentToUpdates`), a supporter is copied on the referral's status changes by e-mail.
public struct Supporter: Codable, Hashable, Sendable {
    public enum Relation: String, Vocabulary, Hashable, Sendable {
        public static let vocabularyName = "supporter relation"

        case familyMember = "family_member"
        case peerMentor = "peer_mentor"
        case faithContact = "faith_contact"
        case sponsor, friend, other

        /// In words, for pages ("peer mentor").
        public var words: String { rawValue.split(separator: "_").joined(separator: " ") }
    }

    /// A profile lists at most this many supporters.
    public static let limit = 5

    public var name: String
    public var relation: Relation
    public var phone: String?
    public var email: String?
    /// The person agrees that this supporter is told of the referral's status changes (by e-mail).
    public var consentToUpdates: Bool

    public init(name: String, relation: Relation, phone: String? = nil, email: String? = nil, consentToUpdates: Bool = false) {
        self.name = name
        self.relation = relation
        self.phone = phone
        self.email = email
        self.consentToUpdates = consentToUpdates
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, relation, phone, email
        case consentToUpdates = "consent_to_updates"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let name = try c.decode(String.self, forKey: .name).nonBlank else {
            throw DecodingError.dataCorruptedError(forKey: .name, in: c, debugDescription: "a supporter's name is required")
        }
        self.name = name
        relation = try c.decode(Relation.self, forKey: .relation)
        phone = try c.decodeIfPresent(String.self, forKey: .phone)?.nonBlank
        email = try c.decodeIfPresent(String.self, forKey: .email)?.nonBlank
        if let email, !Self.looksLikeEmail(email) {
            throw DecodingError.dataCorruptedError(forKey: .email, in: c, debugDescription: "an e-mail address is expected (name@example.org)")
        }
        // Required, and null refused as null ("found null") rather than as a mismatch.
        guard let consent = try c.decodeIfPresentRefusingNull(Bool.self, forKey: .consentToUpdates) else {
            throw DecodingError.keyNotFound(CodingKeys.consentToUpdates, .init(codingPath: c.codingPath, debugDescription: "required"))
        }
        consentToUpdates = consent
        if consentToUpdates && email == nil {
            throw DecodingError.dataCorruptedError(forKey: .consentToUpdates, in: c,
                                                   debugDescription: "a supporter copied on updates needs an e-mail address")
        }
    }

    /// One "@" with text on both sides, no white space or control characters (a line break would start a mail header).
    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
            && text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F && $0 != "<" && $0 != ">" && $0 != "," }
    }
}
