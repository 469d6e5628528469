import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Cutting off users and tokens from the command line (`user disable|enable`, `token list|revoke`),
/// and checking the audit trail against a pinned key (`audit verify --public-key`).
@Suite struct TokenCommandTests {
    typealias Workspace = ReferralCommandTests.Workspace

    static func json(_ result: CLIRunner.Result) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    @Test(arguments: ReferralCommandTests.Backend.allCases)
    func aUserIsDisabledAndTheirTokensListedAndRevoked(_ backend: ReferralCommandTests.Backend) throws {
        let w = try Workspace(backend)
        defer { w.remove() }
        let added = try w.trellis(["user", "add", "--role", "caseworker", "--org", "RB-ORG-101", "--name", "Dana Ruiz", "--id", "cw-9", "--json"])
        #expect(added.status == 0, "\(added.stderr)")
        let secret = try #require(try added.json()["token"] as? String)
        _ = try w.trellis(["user", "add", "--role", "caseworker", "--org", "RB-ORG-101", "--name", "Lee Park", "--id", "cw-10"])

        let listed = try w.trellis(["token", "list", "--user", "cw-9", "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let tokens = try #require(try Self.json(listed) as? [[String: Any]])
        #expect(tokens.count == 1)
        let token = try #require(tokens.first)
        let tokenID = try #require(token["id"] as? String)
        #expect(tokenID.hasPrefix("tok-") && token["user_id"] as? String == "cw-9" && token["kind"] as? String == "api")
        #expect(token["created_at"] is String && token["expires_at"] is String && token["in_force"] as? Bool == true)
        #expect(!listed.stdout.contains(secret), "never the secret")
        let table = try w.trellis(["token", "list"])
        #expect(table.stdout.contains("LAST USED") && table.stdout.contains(tokenID) && !table.stdout.contains(secret))

        let disabled = try w.trellis(["user", "disable", "cw-9", "--json"])
        #expect(disabled.status == 0, "\(disabled.stderr)")
        #expect(try disabled.json()["disabled"] as? Bool == true)
        #expect(try w.trellis(["user", "enable", "cw-9"]).stdout.contains("enabled cw-9"))
        let nobody = try w.trellis(["user", "disable", "nobody"])
        #expect(nobody.status == 2 && nobody.stderr.contains("no user nobody"))

        let revoked = try w.trellis(["token", "revoke", tokenID, "--json"])
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(try revoked.json()["revoked"] as? [String] == [tokenID])
        let again = try w.trellis(["token", "revoke", tokenID])
        #expect(again.status == 2 && again.stderr.contains("no token \(tokenID) in force"))
        #expect(try w.trellis(["token", "list", "--user", "cw-9"]).stdout.contains("no tokens in force"))
        let all = try #require(try Self.json(try w.trellis(["token", "list", "--user", "cw-9", "--all", "--json"])) as? [[String: Any]])
        #expect(all.first?["revoked_at"] is String && all.first?["in_force"] as? Bool == false)

        let everyOne = try w.trellis(["token", "revoke", "--user", "cw-10"])
        #expect(everyOne.status == 0 && everyOne.stdout.contains("revoked 1 token"))
        let both = try w.trellis(["token", "revoke", tokenID, "--user", "cw-10"])
        #expect(both.status != 0 && both.stderr.contains("not both"))

        // Every change is in the audit trail, with ids only.
        let export = try w.trellis(["audit", "export", "--format", "fhir"])
        #expect(export.stdout.contains(tokenID) && !export.stdout.contains(secret))
    }

    @Test func everyNewCommandExplainsItself() throws {
        // Single words: help text is wrapped to the terminal's width.
        for (command, words) in [(["user", "disable"], "disabled"), (["user", "enable"], "again"), (["token", "list"], "secret"),
                                 (["token", "revoke"], "--user"), (["audit", "verify"], "--public-key")] {
            let help = try CLIRunner.run(command + ["--help"])
            #expect(help.status == 0)
            #expect(help.stdout.lowercased().contains(words.lowercased()), "\(command): \(help.stdout)")
        }
    }

    @Test func auditVerifyChecksAgainstAPinnedKeyAndAMissingKeyIsAFailure() throws {
        var w = try Workspace(.sqlite)
        defer { w.remove() }
        try w.storeDirectory()
        // The key the store made, as `trellis serve` prints it.
        let keyFile = w.folder.appendingPathComponent("audit-signing.key").path
        let serve = try Self.serveFirstErrorLine(w)
        let published = try #require(serve.range(of: "public key ").map { serve[$0.upperBound...].split(separator: " ").first.map(String.init) } ?? nil)
        #expect(serve.contains("fingerprint") || serve.contains("SHA256:"))

        let pinned = try w.trellis(["audit", "verify", "--public-key", published, "--json"])
        #expect(pinned.status == 0, "\(pinned.stdout) \(pinned.stderr)")
        let stranger = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let wrong = try w.trellis(["audit", "verify", "--public-key", stranger, "--json"])
        #expect(wrong.status == 1, "\(wrong.stdout) \(wrong.stderr)")
        let bad = try w.trellis(["audit", "verify", "--public-key", "not-a-key"])
        #expect(bad.status == 2 && bad.stderr.contains("--public-key"))

        // Checkpoints exist (every 5 records); without their key, verify fails and nothing makes a new key.
        #expect(FileManager.default.fileExists(atPath: w.folder.appendingPathComponent("checkpoints.jsonl").path))
        // Kept off the database's disk and named with --audit-key, it verifies as before.
        let elsewhere = w.folder.appendingPathComponent("elsewhere-audit.key").path
        try FileManager.default.moveItem(atPath: keyFile, toPath: elsewhere)
        let named = try w.trellis(["audit", "verify", "--audit-key", elsewhere, "--public-key", published])
        #expect(named.status == 0, "\(named.stdout) \(named.stderr)")
        let missing = try w.trellis(["audit", "verify"])
        #expect(missing.status == 1, "\(missing.stdout) \(missing.stderr)")
        #expect(missing.stdout.contains("signing key") && missing.stdout.contains("missing"))
        #expect(!FileManager.default.fileExists(atPath: keyFile))
        let other = try w.trellis(["user", "add", "--role", "admin", "--org", "COUNTY", "--name", "Someone"])
        #expect(other.status == 2 && other.stderr.contains("missing"), "no command quietly makes a new key")
        #expect(!FileManager.default.fileExists(atPath: keyFile))
    }

    /// Starts `trellis serve`, reads standard error up to the audit key line, and stops it.
    static func serveFirstErrorLine(_ w: Workspace) throws -> String {
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = ["serve", "--db", w.db, "--port", "0", "--no-delivery"]
        process.environment = ProcessInfo.processInfo.environment.merging(w.environment) { $1 }
        process.currentDirectoryURL = CLIRunner.repository
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer {
            _ = Glibc.kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        var line = Data()
        while true {
            let byte = err.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            if byte == Data("\n".utf8) {
                if String(decoding: line, as: UTF8.self).contains("audit signing key") { break }
                line = Data()
            } else {
                line.append(byte)
            }
        }
        return String(decoding: line, as: UTF8.self)
    }
}
