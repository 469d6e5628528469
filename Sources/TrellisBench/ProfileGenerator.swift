import TrellisCore

/// Realistic needs profiles placed where the directory's services are, deterministic per seed.
struct ProfileGenerator {
    /// Where services are, with the county and state a case worker records for a person there.
    let places: [(point: Coordinate, county: String?, state: String?)]
    let categories: [NeedCategory]
    var rng: SplitMix64

    init(services: [Service], seed: UInt64) {
        places = services.compactMap { s in
            s.locations.first.flatMap { l in l.coordinate.map { ($0, l.address?.county, l.address?.state) } }
        }
        categories = Array(Set(services.flatMap(\.categories))).sorted()
        rng = SplitMix64(seed: seed)
    }

    mutating func profile(_ number: Int) -> NeedsProfile {
        let place = places.isEmpty ? (Coordinate(latitude: 41.26, longitude: -95.94)!, "Douglas", "NE") : places[rng.int(below: places.count)]
        let anchor = place.point
        let point = Coordinate(latitude: anchor.latitude + rng.unit(-0.1, 0.1), longitude: anchor.longitude + rng.unit(-0.1, 0.1)) ?? anchor
        let needs = (0..<(1 + rng.int(below: 3))).map { _ -> NeedsProfile.Need in
            let c = categories[rng.int(below: categories.count)]
            let urgency: NeedsProfile.Urgency = rng.int(below: 20) == 0 ? .crisis : [.routine, .soon, .urgent][rng.int(below: 3)]
            return .init(c.domain, c.detail, urgency: urgency)
        }
        var person = NeedsProfile.Person(ref: "P-\(number)", age: 18 + rng.int(below: 62), gender: [.female, .male][rng.int(below: 2)],
                                         languages: rng.int(below: 3) == 0 ? ["es", "en"] : ["en"], interpreterNeeded: rng.int(below: 5) == 0,
                                         location: .coordinate(point), insurance: rng.int(below: 2) == 0 ? ["medicaid"] : [],
                                         monthlyIncome: Double(400 + rng.int(below: 3000)), householdSize: 1 + rng.int(below: 4), veteran: rng.int(below: 10) == 0)
        person.county = place.county
        person.state = place.state
        var preferences = NeedsProfile.Preferences()
        preferences.faithBased = rng.int(below: 4) == 0 ? .optIn : .notOffered
        preferences.maxDistanceKm = [10, 15, 25, 40][rng.int(below: 4)]
        preferences.telehealthOK = rng.int(below: 2) == 0
        preferences.peerRunPreferred = rng.int(below: 4) == 0
        let circumstances = NeedsProfile.Circumstances(chronicallyHomeless: rng.int(below: 4) == 0, activeSubstanceUse: rng.int(below: 3) == 0,
                                                       justiceInvolved: rng.int(below: 5) == 0, seriousMentalIllness: rng.int(below: 2) == 0)
        return NeedsProfile(person: person, circumstances: circumstances, needs: needs, preferences: preferences)
    }

    mutating func profiles(_ count: Int) -> [NeedsProfile] { (0..<count).map { profile($0) } }
}
