import Foundation

/// The generator's text corpus: the kinds of service with their names and sentences, and the
/// sentences every description draws from. It lives in `Resources/directory-corpus.json`, so the
/// prose can be read and edited apart from the code; the generator's output depends on the order of
/// every list in it.
struct DirectoryCorpus: Decodable, Sendable {
    /// A kind of service as the corpus writes it (see ``DirectoryGenerator/Kind``).
    struct Kind: Decodable, Sendable {
        struct Term: Decodable, Sendable {
            let code: String
            let name: String
        }

        let code: String
        let termName: String
        let domain: DirectoryGenerator.Domain
        let weight: Int
        let names: [String]
        let extra: [Term]
        let hours: [String]
        let fees: [String]
        let payments: [String]
        let documents: [String]
        let capacity: String?
        let overview: [String]
        let details: [String]

        enum CodingKeys: String, CodingKey {
            case code, termName, domain, weight, names, extra, hours, fees, payments, documents, capacity, overview, details
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            code = try c.decode(String.self, forKey: .code)
            termName = try c.decode(String.self, forKey: .termName)
            domain = try c.decode(DirectoryGenerator.Domain.self, forKey: .domain)
            weight = try c.decode(Int.self, forKey: .weight)
            names = try c.decode([String].self, forKey: .names)
            extra = try c.decodeIfPresent([Term].self, forKey: .extra) ?? []
            hours = try c.decodeIfPresent([String].self, forKey: .hours) ?? []
            fees = try c.decode([String].self, forKey: .fees)
            payments = try c.decode([String].self, forKey: .payments)
            documents = try c.decode([String].self, forKey: .documents)
            capacity = try c.decodeIfPresent(String.self, forKey: .capacity)
            overview = try c.decode([String].self, forKey: .overview)
            details = try c.decode([String].self, forKey: .details)
        }
    }

    /// The sections of a description that draw from sentences shared by every kind.
    enum Section: String, Decodable, CaseIterable, Sendable {
        case details, eligibility, intake, bring, history, access, closing
    }

    let kinds: [Kind]
    let sections: [String: [String]]

    func sentences(_ section: Section) -> [String] { sections[section.rawValue] ?? [] }

    /// The corpus shipped in this module's resource bundle, read once.
    static let shared: DirectoryCorpus = {
        do {
            return try load()
        } catch {
            // A build or packaging fault (the resource bundle was not copied beside the binary),
            // never a user's input: the generator cannot run without its corpus.
            preconditionFailure("the directory generator's corpus could not be read: \(error)")
        }
    }()

    /// The resource's name in the bundle.
    static let resourceName = "directory-corpus"

    static func load() throws -> DirectoryCorpus {
        guard let url = Bundle.module.url(forResource: resourceName, withExtension: "json") else {
            throw CorpusError.missing(resourceName + ".json")
        }
        let corpus = try JSONDecoder().decode(DirectoryCorpus.self, from: Data(contentsOf: url))
        try corpus.validate()
        return corpus
    }

    /// Refuses a corpus the generator would draw from an empty list in.
    func validate() throws {
        if kinds.isEmpty { throw CorpusError.empty("kinds") }
        for section in Section.allCases where sentences(section).isEmpty {
            throw CorpusError.empty("sections." + section.rawValue)
        }
        for kind in kinds where kind.names.isEmpty || kind.fees.isEmpty || kind.payments.isEmpty
            || kind.documents.isEmpty || kind.overview.isEmpty {
            throw CorpusError.empty("kinds[" + kind.code + "]")
        }
    }

    enum CorpusError: Error, CustomStringConvertible {
        case missing(String)
        case empty(String)

        var description: String {
            switch self {
            case .missing(let name): "the resource \(name) is not in the bundle"
            case .empty(let field): "\(field) is empty"
            }
        }
    }
}

extension DirectoryGenerator.Domain: Decodable {
    /// Decodes the domain's name ("housing"), not its raw number.
    init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let domain = Self.byName[name] else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "unknown domain \(name)"))
        }
        self = domain
    }

    private static let byName: [String: Self] = [
        "housing": .housing, "employment": .employment, "clinical": .clinical,
        "peer": .peer, "faith": .faith, "general": .general,
    ]
}
