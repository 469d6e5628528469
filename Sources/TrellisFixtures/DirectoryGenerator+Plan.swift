import TrellisCore

extension DirectoryGenerator {
    struct Plan {
        enum Step { case agency, site, service, siteEnd, agencySitesEnd, agencyEnd }

        let seed: UInt64
        var remaining: Int
        var steps: [Step] = []
        var cursor = 0
        var agencyCount = 0
        var siteCount = 0
        var serviceCount = 0
        var agencies: [Agency] = []
        var site: Site?

        init(seed: UInt64, services: Int) {
            self.seed = seed
            remaining = services
        }

        mutating func next() -> Event? {
            if cursor == steps.count {
                guard remaining > 0 else { return nil }
                planAgency()
            }
            let step = steps[cursor]
            cursor += 1
            switch step {
            case .agency:
                let agency = makeAgency(index: agencyCount, parent: agencies.last)
                agencyCount += 1
                agencies.append(agency)
                return .agencyStart(agency)
            case .site:
                guard let agency = agencies.last else { return nil }
                let site = makeSite(index: siteCount, agency: agency)
                siteCount += 1
                self.site = site
                return .siteStart(site, agency)
            case .service:
                guard let agency = agencies.last, let site else { return nil }
                let service = makeService(index: serviceCount, site: site, agency: agency)
                serviceCount += 1
                return .service(service, site, agency)
            case .siteEnd:
                guard let site else { return nil }
                self.site = nil
                return .siteEnd(site)
            case .agencySitesEnd:
                guard let agency = agencies.last else { return nil }
                return .agencySitesEnd(agency)
            case .agencyEnd:
                guard let agency = agencies.popLast() else { return nil }
                return .agencyEnd(agency)
            }
        }

        /// Lays out the next top-level agency (and its child agency, if any) without content.
        private mutating func planAgency() {
            steps.removeAll(keepingCapacity: true)
            cursor = 0
            var rng = SplitMix64(seed: seed, salt: Salt.structure.rawValue, index: agencyCount)
            appendAgency(sites: [45, 30, 15, 10], using: &rng)
            if remaining > 0 && rng.chance(Rates.childAgency) {
                appendAgency(sites: [70, 30], using: &rng)
                steps.append(.agencyEnd)
            }
            steps.append(.agencyEnd)
        }

        /// Appends an agency's opening, sites and services; the caller closes it.
        private mutating func appendAgency(sites siteWeights: [Int], using rng: inout SplitMix64) {
            steps.append(.agency)
            let siteTotal = rng.weighted(siteWeights) + 1
            for _ in 0..<siteTotal where remaining > 0 {
                let count = min(remaining, rng.weighted([20, 25, 22, 15, 10, 8]) + 1)
                remaining -= count
                steps.append(.site)
                steps.append(contentsOf: repeatElement(.service, count: count))
                steps.append(.siteEnd)
            }
            steps.append(.agencySitesEnd)
        }
    }
}

/// The generator's types by their short names, for the plan's extensions in other files.
extension DirectoryGenerator.Plan {
    typealias Agency = DirectoryGenerator.Agency
    typealias Site = DirectoryGenerator.Site
    typealias Service = DirectoryGenerator.Service
    typealias Kind = DirectoryGenerator.Kind
    typealias Place = DirectoryGenerator.Place
    typealias Term = DirectoryGenerator.Term
    typealias AreaServed = DirectoryGenerator.AreaServed
    typealias Capacity = DirectoryGenerator.Capacity
    typealias CoordinateQuirk = DirectoryGenerator.CoordinateQuirk
    typealias Day = DirectoryGenerator.Day
    typealias Domain = DirectoryGenerator.Domain
    typealias Rates = DirectoryGenerator.Rates
    typealias Salt = DirectoryGenerator.Salt
    typealias TextBuilder = DirectoryGenerator.TextBuilder
}
