import Foundation

/// The first bytes of a file, for sniffing its format before a parser sees it.
enum FilePrefix {
    static func read(path: String, count: Int) -> [UInt8]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: count)).map { Array($0) } ?? []
    }

    static func readTail(path: String, count: Int) -> [UInt8]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return nil }
        try? handle.seek(toOffset: size > UInt64(count) ? size - UInt64(count) : 0)
        return (try? handle.readToEnd()).map { Array($0) } ?? []
    }
}
