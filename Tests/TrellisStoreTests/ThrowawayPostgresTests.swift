import Foundation
import Testing

/// The store's PostgreSQL contract tests will run against a throwaway cluster on 127.0.0.1
/// (scripts/lib/throwaway-postgres.sh). This proves a fresh machine can start one, use it and
/// leave nothing behind.
@Suite struct ThrowawayPostgresTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func aThrowawayClusterStartsAnswersAndGoes() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.repository.appendingPathComponent("scripts/lib/throwaway-postgres.sh").path, "run", "--",
                             "sh", "-c", #"psql "$TRELLIS_TEST_POSTGRES_URL" -tAc "select 40 + 2, current_user, inet_server_addr()""#]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stderr)")
        #expect(stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "42|trellis|127.0.0.1")
    }
}
