/// The kinds of support a recovery-oriented system of care connects.
public enum NeedDomain: String, Vocabulary, Hashable, Sendable, Comparable {
    public static let vocabularyName = "need domain"

    case housing
    case employment
    case faith
    case clinical
    case peerSupport = "peer_support"

    public static func < (lhs: NeedDomain, rhs: NeedDomain) -> Bool {
        lhs.sortIndex < rhs.sortIndex
    }

    private var sortIndex: Int { NeedDomain.allCases.firstIndex(of: self) ?? 0 }

    /// Words a person reads, e.g. in a report or on a page.
    public var title: String {
        switch self {
        case .housing: "Housing"
        case .employment: "Employment"
        case .faith: "Faith-based support"
        case .clinical: "Clinical care"
        case .peerSupport: "Peer support"
        }
    }
}

/// A need domain with an optional detail ("housing / emergency_shelter").
/// A category without a detail covers the whole domain.
public struct NeedCategory: Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    public var domain: NeedDomain
    public var detail: String?

    public init(_ domain: NeedDomain, _ detail: String? = nil) {
        self.domain = domain
        self.detail = detail
    }

    public var description: String {
        detail.map { "\(domain.rawValue)/\($0)" } ?? domain.rawValue
    }

    public static func < (lhs: NeedCategory, rhs: NeedCategory) -> Bool {
        if lhs.domain != rhs.domain { return lhs.domain < rhs.domain }
        return (lhs.detail ?? "") < (rhs.detail ?? "")
    }
}
