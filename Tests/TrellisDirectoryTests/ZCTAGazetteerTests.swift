import Testing
import TrellisCore
import TrellisDirectory

/// The Census ZCTA Gazetteer as it comes: tab-separated, with any line ends and maybe a byte-order mark.
@Suite struct ZCTAGazetteerTests {
    static let rows = ["GEOID\tALAND\tINTPTLAT\tINTPTLONG", "68102\t1\t41.2587\t-95.9378", "68105\t1\t41.2412\t-95.9631"]

    @Test(arguments: ["\n", "\r\n", "\r"], [false, true])
    func everyLineEndAndAByteOrderMarkRead(newline: String, bom: Bool) throws {
        let text = (bom ? "\u{FEFF}" : "") + Self.rows.joined(separator: newline) + newline
        let centroids = try ZCTAGazetteer.parse(text)
        #expect(centroids.count == 2)
        #expect(centroids["68102"] == Coordinate(latitude: 41.2587, longitude: -95.9378))
        #expect(centroids["68105"] == Coordinate(latitude: 41.2412, longitude: -95.9631))
    }

    @Test(arguments: ["\n", "\r\n"])
    func aBadRowIsNamedByItsLine(newline: String) {
        let text = (Self.rows + ["68131\t1\tnorth\t-95.9"]).joined(separator: newline)
        #expect(throws: ZCTAGazetteer.Failure.self) { try ZCTAGazetteer.parse(text) }
        do {
            _ = try ZCTAGazetteer.parse(text)
        } catch {
            #expect(error.line == 4)
        }
    }
}
