import Foundation
import Testing
import TrellisTestSupport

/// `trellis mail test --to ADDRESS` against a real SMTP server on 127.0.0.1, with the settings read
/// from a config file's `mail` object under `TRELLIS_SMTP_*`.
@Suite struct MailCommandTests {
    /// A config file of the test's own: `mail` as given, nothing else.
    struct Settings {
        let folder: URL
        var path: String { folder.appendingPathComponent("trellis.json").path }

        init(mail: [String: Any]) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-mail-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try JSONSerialization.data(withJSONObject: ["mail": mail]).write(to: URL(fileURLWithPath: path))
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    /// A clean environment for the mail settings: none of the caller's TRELLIS_SMTP_* leaks in.
    static func environment(_ values: [String: String] = [:]) -> [String: String] {
        ["TRELLIS_SMTP_URL": "", "TRELLIS_SMTP_FROM": "", "TRELLIS_SMTP_USER": "", "TRELLIS_SMTP_PASSWORD": ""].merging(values) { $1 }
    }

    @Test func aTestNoticeIsSentWithTheFilesSettings() async throws {
        let server = try await SMTPRecorder.start()
        defer { server.stop() }
        let settings = try Settings(mail: ["url": server.url, "from": "trellis@county.example.org", "site_url": "https://trellis.example.org"])
        defer { settings.remove() }
        let result = try CLIRunner.run(["mail", "test", "--to", "intake@harbor.example.org", "--organization", "Harbor House",
                                        "--config", settings.path, "--json"], environment: Self.environment())
        #expect(result.status == 0, "\(result.stderr)")
        let answer = try result.json()
        #expect(answer["sent"] as? Bool == true && answer["to"] as? String == "intake@harbor.example.org")
        #expect(answer["server"] as? String == server.url)
        let record = try #require(try server.records().first)
        #expect(record.mailFrom == "trellis@county.example.org" && record.rcptTos == ["intake@harbor.example.org"])
        #expect(record.header("Subject") == ["Test notice from Trellis for Harbor House"])
        #expect(record.header("Message-ID") == ["<\(try #require(answer["message_id"] as? String))>"])
        #expect(record.body?.replacingOccurrences(of: "\r\n", with: "\n").hasPrefix(
            "This is a test notice from Trellis for Harbor House. Notices will reach this address. The inbox: https://trellis.example.org/inbox\n") == true)
    }

    /// TRELLIS_SMTP_URL, _FROM, _USER and _PASSWORD win over the file; the password is never printed.
    @Test func theEnvironmentOverridesTheFileAndThePasswordStaysHidden() async throws {
        let server = try await SMTPRecorder.start(["--user", "trellis-mail", "--password", "pw-Zq81vX"])
        defer { server.stop() }
        let dead = try await SMTPRecorder.start(["--silent"])
        dead.stop()
        let settings = try Settings(mail: ["url": "smtp://127.0.0.1:\(dead.port)", "from": "file@county.example.org",
                                           "username": "file-user", "password": "file-pw-Xc3"])
        defer { settings.remove() }
        let environment = Self.environment(["TRELLIS_SMTP_URL": server.url, "TRELLIS_SMTP_FROM": "env@county.example.org",
                                            "TRELLIS_SMTP_USER": "trellis-mail", "TRELLIS_SMTP_PASSWORD": "pw-Zq81vX"])
        let sent = try CLIRunner.run(["mail", "test", "--to", "intake@harbor.example.org", "--config", settings.path], environment: environment)
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(sent.stdout == "sent a test notice to intake@harbor.example.org through \(server.url) (no TLS) as trellis-mail (password set), "
            + "from env@county.example.org\n")
        let record = try #require(try server.records().first)
        #expect(record.mailFrom == "env@county.example.org" && record.authLogin == "trellis-mail")

        var wrong = environment
        wrong["TRELLIS_SMTP_PASSWORD"] = "wrong-pw-Yt7"
        let refused = try CLIRunner.run(["mail", "test", "--to", "intake@harbor.example.org", "--config", settings.path, "--json"], environment: wrong)
        #expect(refused.status == 1)
        #expect(try refused.json()["error"] as? String == "authentication")
        for output in [sent.stdout, sent.stderr, refused.stdout, refused.stderr] {
            #expect(!output.contains("pw-Zq81vX") && !output.contains("wrong-pw-Yt7") && !output.contains("file-pw-Xc3"))
        }
    }

    @Test func aRefusedRecipientAndADeadServerAreReportedWithTheirClass() async throws {
        let server = try await SMTPRecorder.start(["--refuse", "gone@harbor.example.org"])
        defer { server.stop() }
        let settings = try Settings(mail: ["url": server.url])
        defer { settings.remove() }
        let refused = try CLIRunner.run(["mail", "test", "--to", "gone@harbor.example.org", "--config", settings.path, "--json"],
                                        environment: Self.environment())
        #expect(refused.status == 1)
        let answer = try refused.json()
        #expect(answer["sent"] as? Bool == false && answer["error"] as? String == "rejected_recipient")
        #expect(answer["reply_code"] as? Int == 550 && answer["retryable"] as? Bool == false)
        #expect(refused.stderr.hasPrefix("trellis: mail test: not sent to gone@harbor.example.org through \(server.url) (no TLS), from trellis@localhost: "
            + "rejected_recipient (550): "))

        let dead = try await SMTPRecorder.start(["--silent"])
        dead.stop()
        let down = try CLIRunner.run(["mail", "test", "--to", "intake@harbor.example.org", "--config", settings.path, "--json"],
                                     environment: Self.environment(["TRELLIS_SMTP_URL": "smtp://127.0.0.1:\(dead.port)"]))
        #expect(down.status == 1)
        #expect(try down.json()["error"] as? String == "connect")
        #expect(try down.json()["retryable"] as? Bool == true)
    }

    @Test(arguments: [
        (#"{}"#, "trellis: mail.url is not set: put it in the `mail` object of config/trellis.json, or set TRELLIS_SMTP_URL\n"),
        (#"{"url": "http://mail.example.org"}"#, "trellis: mail.url: only smtp:// and smtps:// are allowed, not http://\n"),
        (#"{"url": "smtp://mail.example.org", "from": "not an address"}"#, "trellis: mail.from: not an address is not an e-mail address\n"),
        (#"{"url": "smtp://mail.example.org", "starttls": "maybe"}"#, "trellis: mail.starttls: expected true or false\n"),
        (#"{"url": "smtp://mail.example.org", "timeout_seconds": -1}"#, "trellis: mail.timeout_seconds: -1.0 is not above 0 and at most 86400\n"),
    ])
    func wrongSettingsAreNamedAndExitTwo(mail: String, message: String) throws {
        let settings = try Settings(mail: try #require(try JSONSerialization.jsonObject(with: Data(mail.utf8)) as? [String: Any]))
        defer { settings.remove() }
        let result = try CLIRunner.run(["mail", "test", "--to", "intake@harbor.example.org", "--config", settings.path], environment: Self.environment())
        #expect(result.status == 2)
        #expect(result.stderr == message)
    }

    @Test func theHelpSaysWhereTheSettingsComeFrom() throws {
        let help = try CLIRunner.run(["mail", "test", "--help"])
        #expect(help.status == 0)
        for word in ["--to <address>", "TRELLIS_SMTP_URL", "TRELLIS_SMTP_PASSWORD", "rejected_recipient", "smtps://"] {
            #expect(help.stdout.contains(word), "\(word)")
        }
    }
}
