// Shared by the libFuzzer harnesses under fuzz/ (compiled into each one by scripts/fuzz).
import Foundation
import TrellisCore

enum FuzzSupport {
    /// The shipped taxonomy map, read once per process: `$TRELLIS_FUZZ_TAXONOMY`, or
    /// config/taxonomy-map.json under the working directory (scripts/fuzz runs from the repository root).
    static let taxonomy: TaxonomyMap = {
        let path = ProcessInfo.processInfo.environment["TRELLIS_FUZZ_TAXONOMY"] ?? "config/taxonomy-map.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            say("fuzz: cannot read the taxonomy map at \(path) (set TRELLIS_FUZZ_TAXONOMY)\n")
            exit(2)
        }
        do { return try TaxonomyMap(json: data) } catch {
            say("fuzz: the taxonomy map at \(path) does not load: \(error)\n")
            exit(2)
        }
    }()

    /// One scratch file per process (the readers work on paths), rewritten for every input.
    static let scratchPath: String = {
        let folder = ProcessInfo.processInfo.environment["TRELLIS_FUZZ_SCRATCH"] ?? NSTemporaryDirectory()
        let name = "trellis-fuzz-\(getpid())-\(ProcessInfo.processInfo.processName)"
        let path = (folder as NSString).appendingPathComponent(name)
        atexit { unlink(FuzzSupport.scratchPath) }
        return path
    }()

    /// Writes the input to the scratch file and returns its path.
    static func writeScratch(_ data: UnsafePointer<UInt8>, _ size: Int) -> String {
        let path = scratchPath
        guard let file = fopen(path, "wb") else {
            say("fuzz: cannot write \(path): \(String(cString: strerror(errno)))\n")
            exit(2)
        }
        if size > 0, fwrite(data, 1, size, file) != size {
            say("fuzz: short write to \(path)\n")
            exit(2)
        }
        fclose(file)
        return path
    }

    /// The first byte that is not a byte-order mark or white space (what the directory reader sniffs).
    static func firstMeaningfulByte(_ data: UnsafePointer<UInt8>, _ size: Int) -> UInt8? {
        var i = 0
        if size >= 3, data[0] == 0xEF, data[1] == 0xBB, data[2] == 0xBF { i = 3 }
        while i < size, [0x20, 0x0A, 0x0D, 0x09].contains(data[i]) { i += 1 }
        return i < size ? data[i] : nil
    }

    /// Writes to standard error (the C `stderr` global is shared mutable state to Swift 6).
    static func say(_ text: String) {
        var text = text
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }

    /// A broken invariant: print what it was and abort, so libFuzzer saves the input as a crash.
    static func violated(_ what: String) -> Never {
        say("fuzz: invariant violated: \(what)\n")
        abort()
    }
}

extension Service {
    /// The service with its line cleared, for comparing reads that cannot know lines.
    var withoutLine: Service {
        var copy = self
        copy.provenance.line = 0
        return copy
    }

    /// What a crash report prints of a service: enough to see the difference, no more.
    var fuzzSummary: String {
        "\(provenance.recordKey) \(String(reflecting: name)) \(String(reflecting: description ?? "-")) \(taxonomyCodes)"
    }
}
