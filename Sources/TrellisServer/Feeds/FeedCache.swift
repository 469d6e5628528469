import Crypto
public import Foundation

/// What the last successful pull of each URL got, so the next asks only for what changed: the body
/// and its `ETag` and `Last-Modified` validators, one pair of files per URL in `folder` (named by the
/// URL's SHA-256). A pull stages what it gets beside them and commits only once the directory is
/// stored, so a failed pull never leaves validators for data that was not imported.
public struct FeedCache: Sendable {
    public let folder: URL

    struct Validators: Codable, Equatable {
        var url: String
        var etag: String?
        var lastModified: String?
        /// For an HSDA page: the page count it gave, so a 304 still says how many pages there are.
        var totalPages: Int?
        var lastPage: Bool?

        enum CodingKeys: String, CodingKey {
            case url, etag
            case lastModified = "last_modified", totalPages = "total_pages", lastPage = "last_page"
        }
    }

    /// One URL's cached copy, or a staged one.
    struct Entry {
        let body: URL
        let meta: URL
    }

    public init(folder: URL) { self.folder = folder }

    /// The cache of one source's pulls, in a folder of its own: the same URL pulled under another
    /// source is fetched whole again, so that source's import gets every record.
    func scoped(to source: String) -> FeedCache {
        let safe = String(source.unicodeScalars.filter { $0.properties.isAlphabetic || "0123456789._-".unicodeScalars.contains($0) }.prefix(60))
        let digest = SHA256.hash(data: Data(source.utf8)).prefix(4).map { String(format: "%02x", $0) }.joined()
        return FeedCache(folder: folder.appendingPathComponent("\(safe.isEmpty ? "source" : safe)-\(digest)"))
    }

    func entry(for url: URL, staged: Bool = false) -> Entry {
        let name = SHA256.hash(data: Data(url.absoluteString.utf8)).map { String(format: "%02x", $0) }.joined()
        let suffix = staged ? ".staged" : ""
        return Entry(body: folder.appendingPathComponent(name + ".body" + suffix), meta: folder.appendingPathComponent(name + ".json" + suffix))
    }

    /// The validators of the cached copy, when its body is still there.
    func validators(for url: URL) -> Validators? {
        let entry = entry(for: url)
        guard FileManager.default.fileExists(atPath: entry.body.path), let data = try? Data(contentsOf: entry.meta),
              let validators = try? JSONDecoder().decode(Validators.self, from: data), validators.url == url.absoluteString
        else { return nil }
        return validators
    }

    /// Writes a fresh body beside the cached one; `commit` makes it the cached copy.
    func stage(_ body: Data, validators: Validators, for url: URL) throws -> Entry {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let staged = entry(for: url, staged: true)
        try body.write(to: staged.body, options: .atomic)
        try JSONEncoder().encode(validators).write(to: staged.meta, options: .atomic)
        return staged
    }

    func commit(_ url: URL) throws {
        let staged = entry(for: url, staged: true)
        let cached = entry(for: url)
        guard FileManager.default.fileExists(atPath: staged.body.path) else { return }
        // rename(2) replaces in one step; the body first, so validators never describe a body that is not there.
        for (from, to) in [(staged.body, cached.body), (staged.meta, cached.meta)] where rename(from.path, to.path) != 0 {
            throw FeedError(url: url.absoluteString, "cannot keep the cached copy in \(folder.path) (errno \(errno))")
        }
    }

    func discard(_ url: URL) {
        let staged = entry(for: url, staged: true)
        try? FileManager.default.removeItem(at: staged.body)
        try? FileManager.default.removeItem(at: staged.meta)
    }
}
