public import Foundation
import NIOPosix
public import TrellisCore

/// Sends e-mail over SMTP with libcurl on threads of its own, so a mail server that hangs for the
/// whole time limit never blocks Swift's cooperative pool or the server's event loops. A server that
/// refuses or is down comes back as a `MailError`, never a crash or a wait without end.
public final class MailSender: Sendable {
    public let settings: MailSettings
    private let threads: NIOThreadPool

    /// `concurrency`: how many messages may be in flight at once (one thread each).
    public init(settings: MailSettings, concurrency: Int = 2) {
        self.settings = settings
        threads = NIOThreadPool(numberOfThreads: max(1, concurrency))
        threads.start()
    }

    /// Sends `message`; returns once the server has accepted it for delivery.
    public func send(_ message: MailMessage) async throws(MailError) {
        guard !message.to.isEmpty else { throw MailError(.refused, "a message needs at least one recipient") }
        let settings = self.settings
        let result: Result<Void, MailError>
        do {
            result = try await threads.runIfActive { SMTPTransfer.perform(message, settings: settings) }
        } catch {
            throw MailError(.network, "the mail sender is shut down")
        }
        try result.get()
    }

    /// Sends `notice` to `recipient` from the configured sender; returns the Message-ID it went under
    /// (for the delivery record and the audit trail; it names no one).
    @discardableResult
    public func send(_ notice: Notice, to recipient: MailAddress, date: Date = Date()) async throws(MailError) -> String {
        let message = MailMessage(notice: notice, to: recipient, settings: settings, date: date)
        try await send(message)
        return message.messageID
    }

    /// Stops the threads once the messages in flight are sent.
    public func shutdown() async throws {
        try await threads.shutdownGracefully()
    }
}
