import ArgumentParser
import Foundation
import TrellisDirectory
import TrellisFixtures

struct DirectoryGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a realistic synthetic directory, the same for the same seed, for benchmarks, load and demos.",
        discussion: """
        Services come with mapped taxonomy codes, nested agencies, several sites, languages, service areas, \
        capacities, descriptions of real-export length (2-6 KB) and the real exports' quirks.
        """)

    @Option(help: "How many services.")
    var services: Int

    @Option(help: "airs (AIRS XML 3.0) or hsds (HSDS 3.0 JSON).")
    var format: GeneratedFormat

    @Option(help: "The random seed; the same seed gives the same file.")
    var seed: UInt64 = 1

    @Option(name: .shortAndLong, help: ArgumentHelp("Write here instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws {
        guard services > 0 else { throw ValidationError("--services must be at least 1") }
    }

    func run() throws {
        let handle: FileHandle
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil),
                  let h = FileHandle(forWritingAtPath: output) else {
                throw CommandFailure("\(output): cannot create the file")
            }
            handle = h
        } else {
            handle = FileHandle.standardOutput
        }
        defer { if output != nil { try? handle.close() } }
        var written = 0
        var progress = Progress("generating \(output ?? "")", unit: "MB")
        try DirectoryGenerator(services: services, seed: seed).generate(format.generatorFormat) { chunk in
            try handle.write(contentsOf: Data(chunk.utf8))
            written += chunk.utf8.count
            if output != nil { progress.update(written >> 20) }
        }
        progress.finish()
    }
}

/// The formats on the command line, mapped onto the generator's.
enum GeneratedFormat: String, ExpressibleByArgument, CaseIterable {
    case airs, hsds

    var generatorFormat: DirectoryGenerator.Format {
        switch self {
        case .airs: .airs
        case .hsds: .hsds
        }
    }
}
