import TrellisCore
@testable import TrellisMatching

/// Small hand-built directories and profiles for rule tests.
enum Build {
    static let omaha = Coordinate(latitude: 41.26, longitude: -95.94)!
    static let today = CalendarDay(year: 2026, month: 11, day: 22)!

    static func point(_ lat: Double, _ lon: Double) -> Coordinate { Coordinate(latitude: lat, longitude: lon)! }

    /// A point `km` east of downtown Omaha.
    static func east(_ km: Double) -> Coordinate { point(41.26, -95.94 + km / (111.32 * 0.7518)) }

    static func service(_ id: String, _ category: NeedCategory = NeedCategory(.housing, "emergency_shelter"),
                        at point: Coordinate? = omaha, _ change: (inout Service) -> Void = { _ in }) -> Service {
        var s = Service(id: id, name: "Service \(id)", organizationID: "ORG-\(id)", organizationName: "Org \(id)",
                        categories: [category], languages: ["en"],
                        locations: point.map { [Location(coordinate: $0)] } ?? [],
                        lastVerified: CalendarDay(year: 2026, month: 10, day: 1),
                        provenance: Provenance(format: .hsds, source: "test", file: "test.json", recordKey: id, line: 1))
        change(&s)
        return s
    }

    static func profile(_ needs: [NeedsProfile.Need] = [.init(.housing, "emergency_shelter", urgency: .urgent)],
                        _ change: (inout NeedsProfile) -> Void = { _ in }) -> NeedsProfile {
        var p = NeedsProfile(person: .init(ref: "P-1", age: 34, gender: .female, languages: ["en"],
                                           location: .coordinate(omaha), county: "Douglas", state: "NE",
                                           insurance: ["medicaid"], monthlyIncome: 900, householdSize: 1, veteran: false),
                             needs: needs)
        change(&p)
        return p
    }

    static let centroids = PostalCentroids(["68102": point(41.2626, -95.9312), "68005": point(41.1411, -95.8940)])

    static func matcher(_ change: (inout Matcher) -> Void = { _ in }) -> Matcher {
        var m = Matcher(centroids: centroids, today: today)
        change(&m)
        return m
    }

    static func match(_ services: [Service], _ profile: NeedsProfile, limit: Int = 5) throws -> MatchOutcome {
        try matcher().match(profile, in: DirectoryIndex(services: services), limit: limit)
    }

    static func ids(_ outcome: MatchOutcome, need: Int = 0) -> [String] {
        outcome.matches[need].results.map(\.serviceID)
    }

    /// The code of the rule that excludes `service` for the profile's first need, or nil.
    static func exclusion(_ service: Service, _ profile: NeedsProfile = profile()) throws -> String? {
        let explanation = try matcher().explain(serviceID: service.id, for: profile, in: DirectoryIndex(services: [service]))
        return explanation?.needs.first?.excludedBy?.code
    }
}
