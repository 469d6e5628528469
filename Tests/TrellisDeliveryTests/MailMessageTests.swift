import Foundation
import Testing
import TrellisCore
@testable import TrellisDelivery

/// The e-mail as it goes after DATA: headers, line endings, encodings, addresses and settings.
@Suite struct MailMessageTests {
    static let from = MailAddress("trellis@county.example.org")!
    static let to = MailAddress("intake@harbor.example.org")!
    /// Monday 7 December 2026, 03:04:05 UTC.
    static let date = Date(timeIntervalSince1970: 1_796_612_645)

    static func message(subject: String = "A referral is waiting", body: String = "Hello\n") -> MailMessage {
        MailMessage(from: from, to: [to], subject: subject, body: body, date: date, messageID: "m-1@county.example.org")
    }

    static func text(_ message: MailMessage) -> String { String(decoding: message.rendered(), as: UTF8.self) }

    @Test func theHeadersAreAllThereInOrder() {
        let rendered = Self.text(Self.message())
        let head = rendered.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(head == [
            "From: Trellis <trellis@county.example.org>",
            "To: intake@harbor.example.org",
            "Subject: A referral is waiting",
            "Date: Mon, 07 Dec 2026 03:04:05 +0000",
            "Message-ID: <m-1@county.example.org>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Auto-Submitted: auto-generated",
            "Content-Transfer-Encoding: 7bit",
        ])
    }

    /// Bare LF and CR become CRLF; no line ends in anything else.
    @Test(arguments: ["one\ntwo\n", "one\r\ntwo\r\n", "one\rtwo", "one\r\ntwo"])
    func everyLineEndsInCRLF(body: String) {
        let rendered = Self.text(Self.message(body: body))
        #expect(rendered.hasSuffix("\r\n\r\none\r\ntwo\r\n"))
        #expect(!rendered.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!rendered.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
    }

    /// libcurl dot-stuffs the upload, so the message keeps its lines as written (stuffing twice would
    /// show the agency "..").
    @Test func linesStartingWithADotAreLeftForLibcurl() {
        #expect(Self.text(Self.message(body: ".\n..two\n")).hasSuffix("\r\n\r\n.\r\n..two\r\n"))
    }

    @Test func aSubjectBeyondASCIIGoesAsEncodedWords() throws {
        let rendered = Self.text(Self.message(subject: "Une référence attend Maison d’Espoir"))
        let line = try #require(rendered.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\nDate:")[0]
            .components(separatedBy: "Subject: ").last)
        let decoded = line.components(separatedBy: "\r\n ").map { word -> String in
            let base64 = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
            return String(decoding: Data(base64Encoded: String(base64)) ?? Data(), as: UTF8.self)
        }.joined()
        #expect(decoded == "Une référence attend Maison d’Espoir")
        #expect(line.components(separatedBy: "\r\n ").allSatisfy { $0.utf8.count <= 75 && $0.hasPrefix("=?UTF-8?B?") })
    }

    @Test func aBodyBeyondASCIIGoesAsBase64() throws {
        let rendered = Self.text(Self.message(body: "Une référence attend\n"))
        #expect(rendered.contains("\r\nContent-Transfer-Encoding: base64\r\n\r\n"))
        let encoded = try #require(rendered.components(separatedBy: "\r\n\r\n").last).replacingOccurrences(of: "\r\n", with: "")
        #expect(String(decoding: try #require(Data(base64Encoded: encoded)), as: UTF8.self) == "Une référence attend\r\n")
    }

    @Test(arguments: ["intake@harbor.example.org", " intake@harbor.example.org ", "a.b+c@x.y"])
    func plainAddressesAreTaken(text: String) {
        #expect(MailAddress(text) != nil)
    }

    /// Anything that could break the envelope command or add a header is refused.
    @Test(arguments: ["", "intake", "@harbor.example.org", "intake@", "a@b@c", "intake@harbor.example.org>\r\nRCPT TO:<x@y>",
                      "intake@harbor.example.org\nBcc: x@y", "In Take@harbor.example.org", "<intake@harbor.example.org>",
                      "intake@harbor..org", "intake@.harbor.org", "\"intake\"@harbor.org"])
    func addressesThatCouldInjectAreRefused(text: String) {
        #expect(MailAddress(text) == nil)
    }

    static let site = URL(string: "https://trellis.example.org")!

    @Test(arguments: ["http://mail.example.org", "mail.example.org:25", "smtp://", "file:///etc/passwd", "smtp://user:pw@mail.example.org"])
    func settingsRefuseWhatIsNotAnSMTPServer(url: String) throws {
        #expect(throws: MailError.self) {
            try MailSettings(url: try #require(URL(string: url)), from: Self.from, site: Self.site)
        }
    }

    @Test func theSettingsNeverShowThePassword() throws {
        let settings = try MailSettings(url: try #require(URL(string: "smtp://mail.example.org:587")), from: Self.from, username: "trellis",
                                        password: "pw-Zq81vX", startTLS: true, site: Self.site)
        #expect(settings.description == "smtp://mail.example.org:587 (STARTTLS required) as trellis (password set), from trellis@county.example.org")
        #expect(!String(reflecting: MailError(.authentication, "Login denied", replyCode: 535)).contains("pw-Zq81vX"))
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var command: String?
        var reply: Int
        var kind: MailError.Kind
        var retryable: Bool
        var testDescription: String { "\(command ?? "none") \(reply)" }
    }

    /// What the server refused, told by the last command it answered and its reply code.
    @Test(arguments: [
        Refusal(command: "RCPT", reply: 550, kind: .rejectedRecipient, retryable: false),
        Refusal(command: "RCPT", reply: 451, kind: .rejectedRecipient, retryable: true),
        Refusal(command: "MAIL", reply: 553, kind: .rejectedSender, retryable: false),
        Refusal(command: "DATA", reply: 554, kind: .rejectedMessage, retryable: false),
        Refusal(command: "DATA", reply: 452, kind: .rejectedMessage, retryable: true),
        Refusal(command: "AUTH", reply: 535, kind: .authentication, retryable: false),
        Refusal(command: nil, reply: 421, kind: .rejectedMessage, retryable: true),
        Refusal(command: "RCPT", reply: 0, kind: .network, retryable: true),
    ])
    func refusalsAreClassified(_ r: Refusal) {
        let kind = SMTPTransfer.refusal(lastCommand: r.command, reply: r.reply)
        #expect(kind == r.kind)
        #expect(MailError(kind, "", replyCode: r.reply > 0 ? r.reply : nil).isRetryable == r.retryable)
    }
}
