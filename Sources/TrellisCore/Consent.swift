public import Foundation

/// What a person allows to be shared with one recipient, captured by a case worker.
public struct Consent: Codable, Hashable, Sendable {
    /// The kinds of a person's data a referral may carry.
    public enum Category: String, Vocabulary, Hashable, Sendable, Comparable {
        public static let vocabularyName = "consent category"

        case contact
        case demographics
        case needs
        case circumstances
        case clinicalNotes = "clinical_notes"
        /// Substance-use information protected by 42 CFR Part 2.
        case substanceUse = "substance_use"

        public static func < (a: Category, b: Category) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    public enum Method: String, Vocabulary, Hashable, Sendable {
        public static let vocabularyName = "consent method"

        case verbal, written, electronic
    }

    /// The organization the consent names (its directory id, e.g. `ORG-42`).
    public var recipient: String
    public var categories: Set<Category>
    public var method: Method
    public var capturedBy: String
    public var capturedAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?

    public init(recipient: String, categories: Set<Category>, method: Method, capturedBy: String, capturedAt: Date,
                expiresAt: Date? = nil, revokedAt: Date? = nil) {
        self.recipient = recipient
        self.categories = categories
        self.method = method
        self.capturedBy = capturedBy
        self.capturedAt = capturedAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    /// In force at `date`: captured, not expired, not revoked.
    public func isInForce(at date: Date) -> Bool {
        date >= capturedAt && (expiresAt.map { date < $0 } ?? true) && (revokedAt.map { date < $0 } ?? true)
    }

    /// Whether `category` may go to `organization` at `date`. Consent names one recipient; substance-
    /// use information (42 CFR Part 2) never goes anywhere else, and nothing goes anywhere once the
    /// consent is expired or revoked.
    public func allows(_ category: Category, to organization: String, at date: Date) -> Bool {
        isInForce(at: date) && organization == recipient && categories.contains(category)
    }

    /// What may leave for `organization` at `date`: the minimum necessary, nothing more.
    public func allowedCategories(for organization: String, at date: Date) -> [Category] {
        Category.allCases.filter { allows($0, to: organization, at: date) }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case recipient, categories, method
        case capturedBy = "captured_by", capturedAt = "captured_at", expiresAt = "expires_at", revokedAt = "revoked_at"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        recipient = try c.decode(String.self, forKey: .recipient)
        guard recipient.nonBlank != nil else {
            throw DecodingError.dataCorruptedError(forKey: .recipient, in: c, debugDescription: "the recipient organization is required")
        }
        let list = try c.decode([Category].self, forKey: .categories)
        guard !list.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .categories, in: c, debugDescription: "at least one category is required")
        }
        categories = Set(list)
        method = try c.decode(Method.self, forKey: .method)
        capturedBy = try c.decode(String.self, forKey: .capturedBy)
        capturedAt = try Self.date(c, .capturedAt)
        expiresAt = try c.contains(.expiresAt) && !c.decodeNil(forKey: .expiresAt) ? Self.date(c, .expiresAt) : nil
        revokedAt = try c.contains(.revokedAt) && !c.decodeNil(forKey: .revokedAt) ? Self.date(c, .revokedAt) : nil
        if let expiresAt, expiresAt <= capturedAt {
            throw DecodingError.dataCorruptedError(forKey: .expiresAt, in: c, debugDescription: "expires before it was captured")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(recipient, forKey: .recipient)
        try c.encode(categories.sorted(), forKey: .categories)
        try c.encode(method, forKey: .method)
        try c.encode(capturedBy, forKey: .capturedBy)
        try c.encode(capturedAt.formatted(.iso8601), forKey: .capturedAt)
        try c.encodeIfPresent(expiresAt?.formatted(.iso8601), forKey: .expiresAt)
        try c.encodeIfPresent(revokedAt?.formatted(.iso8601), forKey: .revokedAt)
    }

    /// ISO 8601 with a zone, with or without fractional seconds.
    private static func date(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Date {
        let text = try c.decode(String.self, forKey: key)
        let plain = Date.ISO8601FormatStyle()
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        guard let date = (try? plain.parse(text)) ?? (try? fractional.parse(text)) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "expected a date and time with a zone, as 2026-11-20T15:04:00Z")
        }
        return date
    }
}
