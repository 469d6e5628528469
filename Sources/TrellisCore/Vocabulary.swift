/// A closed set of words a profile, consent, partner or status file may use for one field. Decoding
/// an unknown word names it and lists the words that are known ("unknown need domain
/// 'childcare'; expected one of housing, employment, …"), rather than Swift's "Cannot
/// initialize NeedDomain from invalid String value".
public protocol Vocabulary: RawRepresentable<String>, CaseIterable, Codable {
    /// What one word of the set is, in words ("need domain").
    static var vocabularyName: String { get }
}

extension Vocabulary {
    /// The known words, in the order the type declares them.
    public static var words: [String] { allCases.map(\.rawValue) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let word = try container.decode(String.self)
        guard let value = Self(rawValue: word) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "unknown \(Self.vocabularyName) '\(word)'; expected one of \(Self.words.joined(separator: ", "))")
        }
        self = value
    }
}
