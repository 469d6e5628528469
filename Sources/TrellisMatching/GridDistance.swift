import Foundation
import TrellisCore

/// Distances from a person to the index's grid: to one cell (as scored) and, never more than that,
/// to a whole region of cells (to order regions before their cells are valued).
enum GridDistance {
    /// The distance to a cell's point nearest the person in latitude and longitude.
    static func toCell(from point: Coordinate, _ la: Int32, _ lo: Int32) -> Double {
        let size = DirectoryIndex.cellDegrees
        let lat = min(max(point.latitude, Double(la) * size), Double(la + 1) * size)
        let lon = min(max(point.longitude, Double(lo) * size), Double(lo + 1) * size)
        guard let nearest = Coordinate(latitude: lat, longitude: lon) else { return 0 }
        return point.distanceKilometres(to: nearest)
    }

    /// At most the great-circle distance from `point` to any point of the extent, so at most
    /// `toCell` for every cell inside it. Clamping, as `toCell` does, is not enough here: across a
    /// wide region the nearest point can lie poleward of the person's latitude. For the smallest
    /// longitude difference Δλ, cos d = sin φ₁ sin φ₂ + cos φ₁ cos φ₂ cos Δλ is a sinusoid in φ₂,
    /// largest at its crest when that lies within the extent, else at an edge.
    static func atLeast(from point: Coordinate, toExtent e: (south: Double, north: Double, west: Double, east: Double)) -> Double {
        let radians = Double.pi / 180
        func separation(_ longitude: Double) -> Double {
            let apart = abs(point.longitude - longitude).truncatingRemainder(dividingBy: 360)
            return min(apart, 360 - apart)
        }
        let inside = point.longitude >= e.west && point.longitude <= e.east
        let dLon = inside ? 0 : min(separation(e.west), separation(e.east))
        let phi = point.latitude * radians
        let a = sin(phi), b = cos(phi) * cos(dLon * radians)
        func cosine(_ latitude: Double) -> Double { a * sin(latitude * radians) + b * cos(latitude * radians) }
        var best = max(cosine(e.south), cosine(e.north))
        let crest = atan2(a, b) / radians
        if crest > e.south && crest < e.north { best = max(best, cosine(crest)) }
        // acos near 1 loses about 1e-8 of a radian; 10 m is far more than every rounding here.
        let kilometres = 6371.0088 * acos(min(1, max(-1, best))) - 0.01
        return max(0, kilometres)
    }
}
