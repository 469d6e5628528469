public import Foundation

/// A directory as stored: which import it came from and how many services it holds.
public struct DirectorySnapshot: Codable, Hashable, Sendable {
    public var id: Int64
    public var importedAt: Date
    public var actor: String
    public var files: [String]
    public var serviceCount: Int

    enum CodingKeys: String, CodingKey {
        case id, actor, files
        case importedAt = "imported_at", serviceCount = "service_count"
    }
}
