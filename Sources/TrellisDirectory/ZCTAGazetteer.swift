public import TrellisCore
import Foundation

/// Reads the US Census ZCTA Gazetteer (tab-separated, `GEOID … INTPTLAT INTPTLONG`): ZIP code
/// centroids, so a profile may give a postal code instead of a point.
public enum ZCTAGazetteer {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public static func read(path: String) throws -> [String: Coordinate] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(line: 0, message: "cannot read \(path)")
        }
        return try parse(String(decoding: data, as: UTF8.self))
    }

    public static func parse(_ text: String) throws(Failure) -> [String: Coordinate] {
        // Any line end (CRLF is one Character, so splitting on "\n" alone kept a Windows file as one
        // line), and no byte-order mark before the header.
        let body = text.first == "\u{FEFF}" ? text.dropFirst() : Substring(text)
        var lines = body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).makeIterator()
        guard let header = lines.next() else { throw Failure(line: 1, message: "the file is empty") }
        let columns = header.split(separator: "\t").map { $0.trimmingWhitespace().uppercased() }
        guard let geoid = columns.firstIndex(of: "GEOID"), let lat = columns.firstIndex(of: "INTPTLAT"),
              let lon = columns.firstIndex(of: "INTPTLONG") else {
            throw Failure(line: 1, message: "the header needs GEOID, INTPTLAT and INTPTLONG columns (the Census ZCTA Gazetteer format)")
        }
        var result: [String: Coordinate] = [:]
        var number = 1
        while let line = lines.next() {
            number += 1
            if line.trimmingWhitespace().isEmpty { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
            guard fields.count > max(geoid, lat, lon) else {
                throw Failure(line: number, message: "expected \(columns.count) tab-separated columns, found \(fields.count)")
            }
            guard let latitude = Double(fields[lat]), let longitude = Double(fields[lon]),
                  let point = Coordinate(latitude: latitude, longitude: longitude) else {
                throw Failure(line: number, message: "INTPTLAT/INTPTLONG \"\(fields[lat])\", \"\(fields[lon])\" is not a point")
            }
            result[fields[geoid]] = point
        }
        return result
    }
}
