import PropertyBased
import Testing
import TrellisCore
@testable import TrellisMatching

/// A region's distance orders it before its cells are valued, so it must never exceed the distance
/// of any cell inside it, wherever the person is: near the poles, across the antimeridian, far away.
@Suite struct GridDistanceTests {
    static let seeds = Gen.int(in: 0...Int(Int32.max)).map { UInt64($0) }

    @Test func aRegionIsNeverFartherThanAnyOfItsCells() async {
        await propertyCheck(count: 300, input: Self.seeds) { seed in
            var rng = SplitMix64(seed: seed)
            let point = Coordinate(latitude: rng.unit(-89.9, 89.9), longitude: rng.unit(-180, 180))!
            // Regions near the person half the time (where orders are decided), anywhere otherwise.
            let near = rng.int(below: 2) == 0
            let latitude = min(89.9, max(-89.9, near ? point.latitude + rng.unit(-3, 3) : rng.unit(-89, 89)))
            var longitude = near ? point.longitude + rng.unit(-3, 3) : rng.unit(-180, 179)
            if longitude >= 180 { longitude -= 360 } else if longitude < -180 { longitude += 360 }
            let rla = DirectoryIndex.floorDivide(Int32((latitude / DirectoryIndex.cellDegrees).rounded(.down)), DirectoryIndex.regionCells)
            let rlo = DirectoryIndex.floorDivide(Int32((longitude / DirectoryIndex.cellDegrees).rounded(.down)), DirectoryIndex.regionCells)
            let region = DirectoryIndex.Region(latitudeIndex: rla, longitudeIndex: rlo)
            let bound = GridDistance.atLeast(from: point, toExtent: region.extent)
            var nearest = Double.infinity
            for la in rla * 10..<(rla + 1) * 10 {
                // Only cells a real place can fall in.
                for lo in rlo * 10..<(rlo + 1) * 10 where la >= -900 && la < 900 && lo >= -1800 && lo < 1800 {
                    let cell = GridDistance.toCell(from: point, la, lo)
                    #expect(bound <= cell, "region \(rla),\(rlo) at \(bound) km, its cell \(la),\(lo) at \(cell) km from \(point)")
                    nearest = min(nearest, cell)
                }
            }
            // And close to the nearest cell where it matters, so regions really are put off. (Not
            // across the antimeridian, where clamping a cell's longitude picks its far edge.)
            if abs(point.latitude) < 70, abs(point.longitude) < 170, nearest < 500 {
                #expect(bound >= nearest * 0.97 - 0.05, "region bound \(bound) km, nearest cell \(nearest) km")
            }
        }
    }

    @Test(arguments: [
        // Inside the region; beside it (0.94° of longitude at 41° N); across the antimeridian; and
        // at 80° N a region a quarter of the world east, nearer at its poleward edge (1,492.6 km)
        // than at the person's latitude (1,568.5 km, where clamping would put it).
        (41.26, -95.94, Int32(41), Int32(-96), 0.0, 0.0),
        (41.26, -95.94, Int32(41), Int32(-95), 78.5, 78.6),
        (10.0, 179.95, Int32(10), Int32(-180), 5.4, 5.5),
        (80.0, 0.0, Int32(80), Int32(90), 1_492.5, 1_492.6),
    ])
    func knownDistances(latitude: Double, longitude: Double, rla: Int32, rlo: Int32, atLeastKm: Double, atMostKm: Double) {
        let point = Coordinate(latitude: latitude, longitude: longitude)!
        let km = GridDistance.atLeast(from: point, toExtent: DirectoryIndex.Region(latitudeIndex: rla, longitudeIndex: rlo).extent)
        #expect(km >= atLeastKm && km <= atMostKm, "\(km) km")
    }

    @Test(arguments: [(Int32(-1), Int32(10), Int32(-1)), (-10, 10, -1), (-11, 10, -2), (0, 10, 0), (9, 10, 0), (10, 10, 1), (-20, 10, -2)])
    func floorDivision(a: Int32, b: Int32, expected: Int32) {
        #expect(DirectoryIndex.floorDivide(a, b) == expected)
    }
}
