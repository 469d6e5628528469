import ArgumentParser
import Foundation
import TrellisCore
import TrellisDirectory

/// Reads the named files into a sink, showing progress on a terminal.
struct DirectoryRun {
    let reader: DirectoryReader

    init(options: DirectoryReadingOptions, schemaPath: String? = nil) throws {
        reader = DirectoryReader(taxonomy: try ConfigFiles.taxonomyMap(explicit: options.taxonomyMap), schemaPath: schemaPath)
    }

    /// The run, or the reason on standard error and exit status 2 (no taxonomy map, say).
    static func prepare(_ options: DirectoryReadingOptions, schemaPath: String? = nil) throws -> DirectoryRun {
        do {
            return try DirectoryRun(options: options, schemaPath: schemaPath)
        } catch {
            Terminal.error("trellis: \(error)")
            throw ExitCode.unreadable
        }
    }

    func read<Sink: DirectorySink>(_ paths: [String], into sink: inout Sink) -> [FileReport] {
        paths.map { path in
            var counting = ProgressSink(inner: sink, progress: Progress("reading \(path)"))
            let report = reader.read(path: path, into: &counting)
            counting.progress.finish()
            sink = counting.inner
            return report
        }
    }

    /// 2 when any file was unreadable, 1 when any record was rejected or broke the schema, else 0.
    static func exitCode(for reports: [FileReport]) -> ExitCode {
        if reports.contains(where: { $0.fatal != nil }) { return .unreadable }
        if reports.contains(where: { !$0.rejected.isEmpty || !$0.schemaViolations.isEmpty }) { return .someRejected }
        return .success
    }
}

/// Passes records on and counts them for the progress line.
private struct ProgressSink<Inner: DirectorySink>: DirectorySink {
    var inner: Inner
    var progress: Progress
    var count = 0

    mutating func add(_ organization: Organization) { inner.add(organization) }

    mutating func add(_ service: Service) {
        inner.add(service)
        count += 1
        progress.update(count)
    }
}
