import TrellisCore

/// Generates realistic synthetic provider directories, as 211 AIRS XML or Open Referral HSDS JSON,
/// for benchmarks, load tests and demos.
///
/// The same `services` and `seed` always give the same bytes. Both formats describe the same
/// directory (agencies, sites, services, texts); each format adds its own real-export quirks at the
/// rates in ``Rates``. Output is streamed in chunks of about 64 KB, so a directory of any size is
/// generated in constant memory.
public struct DirectoryGenerator: Sendable {
    public enum Format: String, CaseIterable, Sendable { case airs, hsds }

    public let services: Int
    public let seed: UInt64

    public init(services: Int, seed: UInt64 = 1) {
        self.services = max(0, services)
        self.seed = seed
    }

    /// Streams the directory as UTF-8 text chunks of about 64 KB, in constant memory.
    public func generate(_ format: Format, into sink: (String) throws -> Void) rethrows {
        switch format {
        case .airs:
            var writer = AIRSWriter(seed: seed)
            try run(&writer, into: sink)
        case .hsds:
            var writer = HSDSWriter(seed: seed, total: services)
            try run(&writer, into: sink)
        }
    }

    /// Size of the chunks handed to the sink.
    static let chunkBytes = 64 * 1024

    private func run(_ writer: inout some DirectoryGeneratorWriter, into sink: (String) throws -> Void) rethrows {
        var out = ""
        // One agency piece is at most a few KB past the limit before it is flushed.
        out.reserveCapacity(Self.chunkBytes + 16 * 1024)
        writer.begin(into: &out)
        var plan = Plan(seed: seed, services: services)
        while let event = plan.next() {
            writer.write(event, into: &out)
            if out.utf8.count >= Self.chunkBytes {
                try sink(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        writer.end(into: &out)
        if !out.isEmpty { try sink(out) }
    }
}

/// Renders the generator's events in one format.
protocol DirectoryGeneratorWriter {
    mutating func begin(into out: inout String)
    mutating func write(_ event: DirectoryGenerator.Event, into out: inout String)
    mutating func end(into out: inout String)
}
