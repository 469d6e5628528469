import Foundation
import Testing
import TrellisCore
import TrellisDelivery
import TrellisTestSupport

/// libcurl's SMTP against a real SMTP server on 127.0.0.1 (aiosmtpd, scripts/lib/smtp_recorder.py):
/// the envelope, the headers, a body without personal data, and the classified failures an outbox
/// needs to decide on a retry.
@Suite struct MailSenderTests {
    static let from = MailAddress("trellis@county.example.org")!
    static let inbox = MailAddress("intake@harbor.example.org")!
    static let site = URL(string: "https://trellis.example.org")!

    static func settings(_ url: String, username: String? = nil, password: String? = nil, startTLS: Bool = false,
                         timeout: Duration = .seconds(30), caBundle: String? = nil) throws -> MailSettings {
        try MailSettings(url: URL(string: url)!, from: from, username: username, password: password, startTLS: startTLS,
                         connectTimeout: .seconds(5), totalTimeout: timeout, caBundle: caBundle, site: site)
    }

    /// Sends `message` through a sender with `settings`, and shuts the sender down.
    static func send(_ message: MailMessage, _ settings: MailSettings) async throws -> MailError? {
        let sender = MailSender(settings: settings)
        var failure: MailError?
        do throws(MailError) {
            try await sender.send(message)
        } catch {
            failure = error
        }
        try await sender.shutdown()
        return failure
    }

    @Test func aNoticeArrivesWithItsEnvelopeAndHeadersAndNoPersonalData() async throws {
        let server = try await SMTPRecorder.start()
        defer { server.stop() }
        let settings = try Self.settings(server.url)
        // The fixture referral's person has a name, phone, e-mail and needs; the notice is composed from it.
        let notice = Notice.about(DeliveryFixtures.referral, kind: .waiting, organizationName: { $0 == "ORG-42" ? "Harbor House" : nil }, site: Self.site)
        let date = Date(timeIntervalSince1970: 1_796_612_645)
        let message = MailMessage(notice: notice, to: Self.inbox, settings: settings, date: date)
        #expect(try await Self.send(message, settings) == nil)

        let record = try #require(try server.records().first)
        #expect(try server.records().count == 1)
        #expect(record.mailFrom == "trellis@county.example.org")
        #expect(record.rcptTos == ["intake@harbor.example.org"])
        #expect(record.header("From") == ["Trellis <trellis@county.example.org>"])
        #expect(record.header("To") == ["intake@harbor.example.org"])
        #expect(record.header("Subject") == ["A referral is waiting for Harbor House in Trellis"])
        #expect(record.header("Date") == ["Mon, 07 Dec 2026 03:04:05 +0000"])
        #expect(record.header("Message-ID") == ["<\(message.messageID)>"])
        #expect(record.header("MIME-Version") == ["1.0"])
        let head = record.raw.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(head.contains("Content-Type: text/plain; charset=utf-8"))
        let body = try #require(record.body).replacingOccurrences(of: "\r\n", with: "\n")
        #expect(body == notice.body)
        #expect(body.hasPrefix("A referral is waiting for Harbor House in Trellis: https://trellis.example.org/inbox\n"))
        // Every line of what arrived ends in CRLF.
        #expect(!record.raw.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let person = DeliveryFixtures.profile.person
        let personal = [person.name, person.phone, person.email, person.ref, DeliveryFixtures.referral.id, DeliveryFixtures.referral.consentID,
                        "emergency_shelter", "housing", "counseling", "Quintero"].compactMap { $0 }
        for value in personal { #expect(!record.raw.lowercased().contains(value.lowercased()), "\(value) reached the mail") }
    }

    /// libcurl dot-stuffs lines starting with "."; the server undoes it, so they arrive as written and
    /// a line holding only "." does not end the message early.
    @Test func linesStartingWithADotArriveIntactAndTextBeyondASCIIToo() async throws {
        let server = try await SMTPRecorder.start()
        defer { server.stop() }
        let settings = try Self.settings(server.url)
        let message = MailMessage(from: Self.from, to: [Self.inbox], subject: "Une référence attend Maison d’Espoir",
                                  body: "first\n.\n..two\n.hidden\nla dernière\n", date: Date())
        #expect(try await Self.send(message, settings) == nil)
        let record = try #require(try server.records().first)
        #expect(record.header("Subject") == ["Une référence attend Maison d’Espoir"])
        #expect(record.body?.replacingOccurrences(of: "\r\n", with: "\n") == "first\n.\n..two\n.hidden\nla dernière\n")
    }

    @Test func aRefusedRecipientIsARejectedRecipient() async throws {
        let server = try await SMTPRecorder.start(["--refuse", "intake@harbor.example.org"])
        defer { server.stop() }
        let settings = try Self.settings(server.url)
        let message = MailMessage(from: Self.from, to: [Self.inbox], subject: "x", body: "x", date: Date())
        let error = try #require(try await Self.send(message, settings))
        #expect(error.kind == .rejectedRecipient)
        #expect(error.replyCode == 550)
        #expect(!error.isRetryable)
        #expect(try server.records().isEmpty)
    }

    @Test func aDeferredRecipientIsWorthAnotherTry() async throws {
        let server = try await SMTPRecorder.start(["--defer", "intake@harbor.example.org"])
        defer { server.stop() }
        let error = try #require(try await Self.send(MailMessage(from: Self.from, to: [Self.inbox], subject: "x", body: "x", date: Date()),
                                                     try Self.settings(server.url)))
        #expect(error.kind == .rejectedRecipient)
        #expect(error.replyCode == 451)
        #expect(error.isRetryable)
    }

    @Test func aPortWhereNobodyListensIsAConnectError() async throws {
        let port = try Self.closedPort()
        let error = try #require(try await Self.send(MailMessage(from: Self.from, to: [Self.inbox], subject: "x", body: "x", date: Date()),
                                                     try Self.settings("smtp://127.0.0.1:\(port)")))
        #expect(error.kind == .connect)
        #expect(error.isRetryable)
    }

    /// A server that accepts the connection and never greets: the time limit ends the wait.
    @Test func aServerThatNeverAnswersIsATimeout() async throws {
        let server = try await SMTPRecorder.start(["--silent"])
        defer { server.stop() }
        let error = try #require(try await Self.send(MailMessage(from: Self.from, to: [Self.inbox], subject: "x", body: "x", date: Date()),
                                                     try Self.settings(server.url, timeout: .seconds(1))))
        #expect(error.kind == .timeout)
        #expect(error.isRetryable)
    }

    @Test func theUserNameAndPasswordLogIn() async throws {
        let server = try await SMTPRecorder.start(["--user", "trellis", "--password", "pw-Zq81vX"])
        defer { server.stop() }
        let message = MailMessage(from: Self.from, to: [Self.inbox], subject: "x", body: "x", date: Date())
        #expect(try await Self.send(message, try Self.settings(server.url, username: "trellis", password: "pw-Zq81vX")) == nil)
        #expect(try server.records().map(\.authLogin) == ["trellis"])

        let error = try #require(try await Self.send(message, try Self.settings(server.url, username: "trellis", password: "wrong-pw")))
        #expect(error.kind == .authentication)
        #expect(!error.isRetryable)
        #expect(!error.description.contains("wrong-pw"))
    }

    /// STARTTLS required and not offered: nothing is sent in the clear.
    @Test func requiredSTARTTLSThatIsNotOfferedIsATLSError() async throws {
        let server = try await SMTPRecorder.start()
        defer { server.stop() }
        let error = try #require(try await Self.send(MailMessage(from: Self.from, to: [Self.inbox], subject: "x", body: "x", date: Date()),
                                                     try Self.settings(server.url, startTLS: true)))
        #expect(error.kind == .tls)
        #expect(try server.records().isEmpty)
    }

    static let message = MailMessage(from: from, to: [inbox], subject: "x", body: "x", date: Date())

    @Test func requiredSTARTTLSCarriesTheMessageEncrypted() async throws {
        let certificates = try TestCertificates.make()
        let server = try await SMTPRecorder.start(["--tls-cert", certificates.serverPEM, "--tls-key", certificates.serverKey])
        defer { server.stop() }
        #expect(try await Self.send(Self.message, try Self.settings(server.url, startTLS: true, caBundle: certificates.caPEM)) == nil)
        #expect(try server.records().map(\.tls) == [true])
    }

    @Test func smtpsIsTLSFromTheStart() async throws {
        let certificates = try TestCertificates.make()
        let server = try await SMTPRecorder.start(["--tls-cert", certificates.serverPEM, "--tls-key", certificates.serverKey, "--implicit-tls"])
        defer { server.stop() }
        #expect(try await Self.send(Self.message, try Self.settings(server.tlsURL, caBundle: certificates.caPEM)) == nil)
        #expect(try server.records().map(\.tls) == [true])
    }

    /// A certificate no trusted CA signed: nothing is sent.
    @Test func anUntrustedCertificateIsATLSError() async throws {
        let certificates = try TestCertificates.make()
        let server = try await SMTPRecorder.start(["--tls-cert", certificates.strangerPEM, "--tls-key", certificates.strangerKey])
        defer { server.stop() }
        let error = try #require(try await Self.send(Self.message, try Self.settings(server.url, startTLS: true, caBundle: certificates.caPEM)))
        #expect(error.kind == .tls)
        #expect(!error.isRetryable)
        #expect(try server.records().isEmpty)
    }

    /// A port that was free a moment ago: bound, read and closed.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
