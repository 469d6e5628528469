import Foundation
import TrellisCore

/// Services as stored: one JSON document each, so a directory restores exactly as imported.
enum DirectoryDocuments {
    /// Each service's document: what `JSONEncoder` writes with `.sortedKeys` and `.withoutEscapingSlashes`,
    /// written directly (`Service.storedJSON`).
    static func encode(_ services: [Service]) -> [String] {
        services.map { String(decoding: $0.storedJSON(), as: UTF8.self) }
    }

    /// A stored document's service: read directly when it is exactly as `encode` wrote it (nearly
    /// always), else by `JSONDecoder`, whose answer or error is then the one given.
    static func decode(_ document: String) throws -> Service {
        var document = document
        if let service = document.withUTF8({ Service(storedJSON: $0) }) { return service }
        return try JSONDecoder().decode(Service.self, from: Data(document.utf8))
    }

    static func filesText(_ files: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(files)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func files(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}

extension DirectoryDocuments {
    /// One copy per id, the last one given: a later file's copy replaces an earlier one.
    static func deduplicated(_ services: [Service]) -> [Service] {
        // Imports come merged by id already: then the same array, not a copy of every record.
        var seen = Set<String>(minimumCapacity: services.count)
        guard !services.allSatisfy({ seen.insert($0.id).inserted }) else { return services }
        var position: [String: Int] = [:]
        var unique: [Service] = []
        unique.reserveCapacity(services.count)
        for service in services {
            if let at = position[service.id] { unique[at] = service } else { position[service.id] = unique.count; unique.append(service) }
        }
        return unique
    }
}

extension DirectoryDocuments {
    /// The provider id in a stored document's provenance (the migration that names each service's source).
    static func provenanceSource(_ document: String) throws -> String {
        try decode(document).provenance.source
    }
}
