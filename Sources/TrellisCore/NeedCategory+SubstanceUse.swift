/// Substance-use information is protected by 42 CFR Part 2: it may leave only under a consent that
/// names the `substance_use` category. These say which needs and services are such information.
extension NeedCategory {
    /// The detail that marks substance-use treatment in `config/taxonomy-map.json` (RX codes, "Detox").
    public static let substanceUseDetail = "substance_use"

    /// Details that disclose a substance use disorder as surely as treatment does: a sober-living house
    /// (RX-8500.8000, filed under housing) takes only people in recovery from one.
    public static let substanceUseDisclosingDetails: Set<String> = [substanceUseDetail, "sober_living"]

    public var isSubstanceUse: Bool { detail.map(Self.substanceUseDisclosingDetails.contains) ?? false }
}

extension NeedsProfile.Need {
    /// A need for substance-use treatment: disclosing it discloses a substance use disorder.
    public var isSubstanceUse: Bool { category.isSubstanceUse }
}

extension Service {
    /// A service the taxonomy map files under substance use: its name alone discloses what the
    /// referral is for.
    public var isSubstanceUseService: Bool { categories.contains { $0.isSubstanceUse } }

    /// The words a disclosure without Part 2 consent uses instead of the service's name: the title
    /// of its need domain ("Clinical care") and nothing more.
    public var substanceUseNeutralTitle: String {
        (categories.first { $0.isSubstanceUse }?.domain ?? .clinical).title
    }
}
