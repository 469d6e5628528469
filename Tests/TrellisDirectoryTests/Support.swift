import Foundation
import TrellisCore
@testable import TrellisDirectory

/// Paths to this target's fixtures and the shipped configuration.
enum Fixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    static let taxonomy: TaxonomyMap = {
        // A broken shipped map must fail every test that uses it.
        try! TaxonomyMap(json: Data(contentsOf: repository.appendingPathComponent("config/taxonomy-map.json")))
    }()

    static func read(_ name: String, xsd: String? = nil) -> (report: FileReport, sink: CollectingSink) {
        readPath(path(name), xsd: xsd)
    }

    static func readPath(_ path: String, xsd: String? = nil) -> (report: FileReport, sink: CollectingSink) {
        var sink = CollectingSink()
        let report = DirectoryReader(taxonomy: taxonomy, schemaPath: xsd).read(path: path, into: &sink)
        return (report, sink)
    }

    /// Writes text to a temporary file that lives until the process ends.
    static func temporary(_ contents: String, suffix: String = ".xml") throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-test-\(UUID().uuidString)\(suffix)").path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

extension CollectingSink {
    func service(named name: String) -> Service? { services.first { $0.name == name } }
    func service(key: String) -> Service? { services.first { $0.provenance.recordKey == key } }
}

extension FileReport {
    var warningMessages: [String] { warnings.map(\.message) }
}
