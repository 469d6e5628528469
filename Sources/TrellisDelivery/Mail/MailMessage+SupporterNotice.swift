public import Foundation
public import TrellisCore

extension MailMessage {
    /// The e-mail carrying a supporter's update to their address, from the configured sender.
    public init(supporterNotice notice: SupporterNotice, to recipient: MailAddress, settings: MailSettings, date: Date) {
        self.init(from: settings.from, fromName: settings.fromName, to: [recipient], subject: notice.subject, body: notice.body, date: date)
    }
}
