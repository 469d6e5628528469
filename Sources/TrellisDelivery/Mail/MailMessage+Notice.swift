public import Foundation
public import TrellisCore

extension MailMessage {
    /// The e-mail carrying `notice` to `recipient`, from the configured sender.
    public init(notice: Notice, to recipient: MailAddress, settings: MailSettings, date: Date) {
        self.init(from: settings.from, fromName: settings.fromName, to: [recipient], subject: notice.subject, body: notice.body, date: date)
    }
}
