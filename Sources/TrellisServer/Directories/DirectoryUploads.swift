public import Foundation
public import TrellisDirectory

/// How the server takes directory uploads: the reader (with its taxonomy map), where uploads are
/// spooled while they are read, and how large one may be.
public struct DirectoryUploads: Sendable {
    public var reader: DirectoryReader
    public var spoolDirectory: String
    public var limitBytes: Int

    public static let defaultLimitBytes = 1 << 30

    public init(reader: DirectoryReader, spoolDirectory: String = NSTemporaryDirectory(), limitBytes: Int = defaultLimitBytes) {
        self.reader = reader
        self.spoolDirectory = spoolDirectory
        self.limitBytes = limitBytes
    }

    /// A new spool file's path, unguessable, in the spool directory.
    func spoolPath() -> String {
        let name = "trellis-upload-" + UUID().uuidString.lowercased()
        return URL(fileURLWithPath: spoolDirectory).appendingPathComponent(name).path
    }

    /// The name the report shows: the uploader's file name without any folder, or "upload".
    static func displayName(_ given: String?) -> String {
        let base = given.map { String($0.split(separator: "/").last ?? "") } ?? ""
        let cleaned = String(base.unicodeScalars.filter { $0.properties.isAlphabetic || "0123456789._-".unicodeScalars.contains($0) }.prefix(100))
        return cleaned.isEmpty ? "upload" : cleaned
    }
}
