public import Foundation

/// A directory as stored: which import it came from, how many services it holds and what it changed.
public struct DirectorySnapshot: Codable, Hashable, Sendable {
    public var id: Int64
    public var importedAt: Date
    public var actor: String
    public var files: [String]
    public var serviceCount: Int
    /// The source named for the import (nil: each record's own provider id; imports before sources were named).
    public var source: String?
    /// The import withdrew its sources' services that its files no longer held.
    public var replacedSource: Bool
    /// What the import changed (nil for imports stored before these were counted).
    public var changes: DirectoryChanges?

    public init(id: Int64, importedAt: Date, actor: String, files: [String], serviceCount: Int, source: String? = nil,
                replacedSource: Bool = false, changes: DirectoryChanges? = nil) {
        self.id = id
        self.importedAt = importedAt
        self.actor = actor
        self.files = files
        self.serviceCount = serviceCount
        self.source = source
        self.replacedSource = replacedSource
        self.changes = changes
    }

    enum CodingKeys: String, CodingKey {
        case id, actor, files, source, changes
        case importedAt = "imported_at", serviceCount = "service_count", replacedSource = "replaced_source"
    }
}

/// What one import did to the stored directory: services new (or back after a withdrawal), changed,
/// the same as stored, and withdrawn because the source's new files no longer held them.
public struct DirectoryChanges: Codable, Hashable, Sendable {
    public var added: Int
    public var updated: Int
    public var unchanged: Int
    public var withdrawn: Int

    public init(added: Int = 0, updated: Int = 0, unchanged: Int = 0, withdrawn: Int = 0) {
        self.added = added
        self.updated = updated
        self.unchanged = unchanged
        self.withdrawn = withdrawn
    }
}
