import Foundation
import TrellisDirectory
import TrellisMatching

/// The matcher's configuration files, read for `match` and `serve` alike.
enum MatchingFiles {
    static func scoringConfiguration(_ explicit: String?) throws -> ScoringConfiguration {
        guard let path = ConfigFiles.locate("config/scoring.json", explicit: explicit, environment: "TRELLIS_SCORING"),
              let data = FileManager.default.contents(atPath: path) else { return .standard }
        do { return try ScoringConfiguration(json: data) } catch {
            throw CommandFailure("\(path): not a scoring configuration: \(error)")
        }
    }

    static func centroids(_ explicit: String?) throws -> PostalCentroids {
        guard let path = ConfigFiles.locate("config/zcta/riverbend-zcta.txt", explicit: explicit, environment: "TRELLIS_ZCTA") else {
            return .empty
        }
        do { return PostalCentroids(try ZCTAGazetteer.read(path: path)) } catch {
            throw CommandFailure("\(path): \(error)")
        }
    }
}
