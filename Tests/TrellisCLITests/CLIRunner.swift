import Foundation

/// Runs the built `trellis` executable, the way a user or another tool would.
struct CLIRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
                throw CocoaError(.propertyListReadCorrupt)
            }
            return object
        }
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repository.appendingPathComponent("Tests/TrellisDirectoryTests/Fixtures")

    /// The executable sits beside the test bundle in the build folder.
    static let executable: URL = {
        if let explicit = ProcessInfo.processInfo.environment["TRELLIS_BIN"] { return URL(fileURLWithPath: explicit) }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("trellis")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return repository.appendingPathComponent(".build/debug/trellis")
    }()

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    static func run(_ arguments: [String], in directory: URL = repository, environment: [String: String] = [:], input: String? = nil) throws -> Result {
        try runTool(executable, arguments, in: directory, environment: environment, input: input)
    }

    /// Runs another program (python3, psql) the same way.
    static func runTool(_ tool: URL, _ arguments: [String], in directory: URL = repository, environment: [String: String] = [:],
                        input: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        // Read before waiting so a large output cannot fill the pipe and stall the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}
