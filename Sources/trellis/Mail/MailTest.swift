import ArgumentParser
import Foundation
import TrellisCore
import TrellisDelivery

struct MailTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send one test notice to an address with the configured mail settings, and say what happened.",
        discussion: """
        Uses the `mail` settings of config/trellis.json (or --config FILE) under TRELLIS_SMTP_URL, \
        TRELLIS_SMTP_FROM, TRELLIS_SMTP_USER and TRELLIS_SMTP_PASSWORD. mail.url is smtp://host:port \
        (with mail.starttls true: STARTTLS required) or smtps://host:port (TLS from the start). The notice \
        names an organization and links to the inbox (mail.site_url + /inbox); it carries no personal data.

        Exit status: 0 when the mail server accepted the message; 1 when it refused it or could not be \
        reached (the reason's class is printed: connect, timeout, tls, authentication, rejected_recipient, \
        rejected_sender, rejected_message, network); 2 when the settings are missing or wrong. The password \
        is never printed.
        """)

    @Option(help: ArgumentHelp("The address to send the test notice to.", valueName: "address"))
    var to: String

    @Option(help: ArgumentHelp("The organization the notice names.", valueName: "name"))
    var organization = "your organization"

    @Option(help: ArgumentHelp("Trellis settings (default: config/trellis.json, or $TRELLIS_CONFIG).", valueName: "file"))
    var config: String?

    @Flag(help: "Print the outcome as JSON.")
    var json = false

    func validate() throws {
        guard MailAddress(to) != nil else { throw ValidationError("--to: \(to) is not an e-mail address") }
    }

    func run() async throws {
        let settings: MailSettings
        do {
            let file = ConfigFiles.locate("config/trellis.json", explicit: config, environment: "TRELLIS_CONFIG")
            guard let read = try await MailSettingsReader.read(configFile: file) else {
                throw CommandFailure("mail.url is not set: put it in the `mail` object of config/trellis.json, or set TRELLIS_SMTP_URL")
            }
            settings = read
        } catch {
            throw StoreFailure.exit(for: error)
        }
        guard let recipient = MailAddress(to) else { throw ExitCode.unreadable }
        let notice = Notice(kind: .test, organizationName: organization, site: settings.site)
        let sender = MailSender(settings: settings, concurrency: 1)
        let outcome: Result<String, MailError>
        do throws(MailError) {
            outcome = .success(try await sender.send(notice, to: recipient))
        } catch {
            outcome = .failure(error)
        }
        try? await sender.shutdown()
        switch outcome {
        case .success(let messageID):
            if json {
                print(Self.json(["sent": true, "to": recipient.address, "server": settings.server, "message_id": messageID]))
            } else {
                print("sent a test notice to \(recipient) through \(settings)")
            }
        case .failure(let error):
            if json {
                print(Self.json(["sent": false, "to": recipient.address, "server": settings.server, "error": error.kind.rawValue,
                                 "reply_code": error.replyCode.map { $0 as Any } ?? NSNull(), "message": error.message, "retryable": error.isRetryable]))
            }
            Terminal.error("trellis: mail test: not sent to \(recipient) through \(settings): \(error)")
            throw ExitCode.someRejected
        }
    }

    static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
