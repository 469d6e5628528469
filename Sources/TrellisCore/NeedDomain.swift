/// The kinds of support a recovery-oriented system of care connects.
public enum NeedDomain: String, Vocabulary, Hashable, Sendable, Comparable {
    public static let vocabularyName = "need domain"

    case housing
    case employment
    case faith
    case clinical
    case peerSupport = "peer_support"
    case familySupport = "family_support"
    case education
    case transportation
    case benefits

    public static func < (lhs: NeedDomain, rhs: NeedDomain) -> Bool {
        lhs.ordinal < rhs.ordinal
    }

    /// Words a person reads, e.g. in a report or on a page.
    public var title: String {
        switch self {
        case .housing: "Housing"
        case .employment: "Employment"
        case .faith: "Faith-based support"
        case .clinical: "Clinical care"
        case .peerSupport: "Peer support"
        case .familySupport: "Family support"
        case .education: "Education"
        case .transportation: "Transportation"
        case .benefits: "Benefits"
        }
    }

    /// The details a profile may give for the domain, with the words a person reads; the
    /// taxonomy map (`config/taxonomy-map.json`) files services under the same details.
    public var details: [(value: String, title: String)] {
        switch self {
        case .housing: [("emergency_shelter", "Emergency shelter"), ("rental_assistance", "Rental assistance"),
                        ("affordable_housing", "Affordable housing"), ("sober_living", "Sober living")]
        case .employment: [("job_search", "Job search"), ("vocational_rehabilitation", "Vocational rehabilitation"),
                           ("supported_employment", "Supported employment (IPS)")]
        case .faith: []
        case .clinical: [("counseling", "Counseling"), ("crisis", "Crisis care"), ("psychiatry", "Psychiatry"),
                         ("substance_use", "Substance use treatment"), ("medication_management", "Medication management")]
        case .peerSupport: []
        case .familySupport: [("caregiver_support", "Caregiver support"), ("psychoeducation", "Psychoeducation for families"),
                              ("family_peer_support", "Family peer support")]
        case .education: [("high_school_equivalency", "High-school equivalency (GED)"), ("literacy", "Literacy"),
                          ("tutoring", "Tutoring"), ("college", "College and financial aid")]
        case .transportation: [("public_transit", "Public transit"), ("transit_fare", "Help paying for transit"),
                               ("rides", "Rides (paratransit, community rides)"), ("medical_transportation", "Rides to health care")]
        case .benefits: [("income_support", "Income support"), ("insurance_enrollment", "Health insurance enrollment"),
                         ("food_benefits", "Food benefits (SNAP)")]
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

extension NeedDomain: CaseOrdinal {
    public var ordinal: Int {
        switch self {
        case .housing: 0
        case .employment: 1
        case .faith: 2
        case .clinical: 3
        case .peerSupport: 4
        case .familySupport: 5
        case .education: 6
        case .transportation: 7
        case .benefits: 8
        }
    }
}
