import Foundation
import TrellisCore

/// What the pages say instead of ids and ISO times: names from the directory, times in the county's zone.
extension WebController {
    /// This request's times, in the county's zone, against the pages' clock.
    var time: PageTime { PageTime(calendar: settings.calendar, now: settings.now()) }

    /// The organization's name from the directory, or its id when the directory does not know it
    /// (a referring organization, or one withdrawn since).
    func organizationName(_ id: String) -> String {
        matching?.catalog.organizationName(of: id) ?? id
    }

    /// "Harbor House (RB-ORG-101)" where the directory names it; the id alone otherwise.
    func organizationLabel(_ id: String) -> String {
        let name = organizationName(id)
        return name == id ? id : "\(name) (\(id))"
    }

    /// A deadline while an answer is awaited ("2 business days left"); nothing once answered.
    func deadlineWords(_ referral: Referral) -> String? {
        guard referral.status == .requested, let due = referral.respondBy else { return nil }
        return time.deadline(due)
    }
}
