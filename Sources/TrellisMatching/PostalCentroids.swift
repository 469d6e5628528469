public import TrellisCore

/// ZIP code (ZCTA) centroids, so a profile may give a postal code instead of a point, and a
/// point can be given its nearest ZIP for services that serve by postal code.
public struct PostalCentroids: Sendable {
    public private(set) var byCode: [String: Coordinate]
    private var grid: [Int64: [String]] = [:]

    public init(_ byCode: [String: Coordinate]) {
        self.byCode = byCode
        for (code, point) in byCode { grid[DirectoryIndex.cell(point), default: []].append(code) }
    }

    public static let empty = PostalCentroids([:])

    public var count: Int { byCode.count }

    public func coordinate(of postalCode: String) -> Coordinate? {
        byCode[String(postalCode.trimmingWhitespace().prefix(5))]
    }

    /// The ZIP whose centroid is nearest, if one lies within `kilometres`.
    public func nearest(to point: Coordinate, within kilometres: Double = 15) -> String? {
        let lat = Int32((point.latitude / DirectoryIndex.cellDegrees).rounded(.down))
        let lon = Int32((point.longitude / DirectoryIndex.cellDegrees).rounded(.down))
        var best: (code: String, distance: Double)? = nil
        for dLat in -2...2 {
            for dLon in -3...3 {
                for code in grid[DirectoryIndex.cell(latitudeIndex: lat + Int32(dLat), longitudeIndex: lon + Int32(dLon))] ?? [] {
                    guard let centroid = byCode[code] else { continue }
                    let d = point.distanceKilometres(to: centroid)
                    if d <= kilometres, d < best?.distance ?? .infinity || (d == best?.distance && code < best!.code) {
                        best = (code, d)
                    }
                }
            }
        }
        return best?.code
    }
}
