import TrellisCore

/// The facts about a person that rules and scores compare against, resolved once per profile:
/// the point (from coordinates or a postal centroid), the ZIP, county and state. A class: every
/// need's search and every score card share it (as a struct, copying the profile's texts and
/// lists was 5 % of a match).
final class PersonContext {
    let profile: NeedsProfile
    let point: Coordinate?
    let postalCode: String?
    /// As ``County`` writes it: "Douglas County, Nebraska" and "douglas" are both Douglas.
    let county: County?
    let state: String?
    let city: String?
    let insurance: Set<String>

    init(_ profile: NeedsProfile, centroids: PostalCentroids) throws(ProfileError) {
        self.profile = profile
        let person = profile.person
        switch person.location {
        case .coordinate(let p)?:
            point = p
            postalCode = centroids.nearest(to: p)
        case .postalCode(let code)?:
            guard let p = centroids.coordinate(of: code) else {
                throw ProfileError(field: "person.location.postal_code",
                                   message: "unknown postal code \"\(code)\": it is not in the postal-code centroid table (\(centroids.count) codes loaded)")
            }
            point = p
            postalCode = String(code.prefix(5))
        case nil:
            point = nil
            postalCode = nil
        }
        let county = person.county.flatMap { County($0, state: person.state) }
        self.county = county
        state = person.state?.uppercased() ?? county?.state ?? postalCode.flatMap(USPostalCode.state(forZIP:))
        city = person.city?.lowercased().trimmingWhitespace()
        insurance = Set(person.insurance.map { $0.lowercased().trimmingWhitespace() })
    }

    func distance(to service: IndexedService) -> Double? {
        guard let point, !service.points.isEmpty else { return nil }
        var best = Double.infinity
        for p in service.points { best = min(best, point.distanceKilometres(to: p)) }
        return best
    }
}
