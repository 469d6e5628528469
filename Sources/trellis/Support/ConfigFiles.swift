import Foundation
import TrellisCore

/// Finds Trellis's configuration files: an explicit path, then an environment variable, then
/// `config/` in the working directory, then `config/` beside (or above) the executable.
enum ConfigFiles {
    static func locate(_ relative: String, explicit: String?, environment variable: String) -> String? {
        if let explicit { return explicit }
        if let fromEnvironment = ProcessInfo.processInfo.environment[variable], !fromEnvironment.isEmpty { return fromEnvironment }
        let manager = FileManager.default
        let local = manager.currentDirectoryPath + "/" + relative
        if manager.fileExists(atPath: local) { return local }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent(relative).path
            if manager.fileExists(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    static func taxonomyMap(explicit: String?) throws -> TaxonomyMap {
        guard let path = locate("config/taxonomy-map.json", explicit: explicit, environment: "TRELLIS_TAXONOMY_MAP") else {
            throw CommandFailure("cannot find config/taxonomy-map.json; run from the Trellis folder or pass --taxonomy-map FILE")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure("\(path): cannot read the taxonomy map")
        }
        do {
            return try TaxonomyMap(json: data)
        } catch {
            throw CommandFailure("\(path): \(error)")
        }
    }
}

/// A failure the user can fix, printed as one line and exit code 2.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
