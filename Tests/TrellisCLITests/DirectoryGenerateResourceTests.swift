import Foundation
import Testing

/// The generator's prose is a resource bundle beside the executable; scripts run the command from
/// the repository, CI from a clean clone, and a user from anywhere.
@Suite struct DirectoryGenerateResourceTests {
    @Test(arguments: ["airs", "hsds"])
    func runFromAnotherDirectoryItWritesTheSameBytes(format: String) throws {
        let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent("elsewhere-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let arguments = ["directory", "generate", "--services", "40", "--format", format, "--seed", "3"]
        let fromRepository = try CLIRunner.run(arguments)
        let fromElsewhere = try CLIRunner.run(arguments, in: elsewhere)
        #expect(fromRepository.status == 0)
        #expect(fromElsewhere.status == 0, "stderr: \(fromElsewhere.stderr)")
        #expect(fromElsewhere.stdout.utf8.count > 40 * 2_000, "40 services with descriptions of at least 2 KB each")
        #expect(fromElsewhere.stdout == fromRepository.stdout)
    }
}
