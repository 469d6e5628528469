import Foundation
import TrellisCore

/// A referral's status said in one sentence for the case worker who sent it: who did what and when,
/// and what happens next ("Harbor House accepted on Tue 8 Dec; next: they will contact Maria.",
/// "Waiting for Harbor House to answer; 2 business days left."). The person is named only when the
/// caller passes a name the reader may see; otherwise "the person".
struct StatusSentence {
    var status: ReferralStatus
    /// The agency's name (not its id).
    var agency: String
    /// The person's name where the reader may see it, else nil.
    var personName: String?
    /// When the referral reached its status (the last change in its history).
    var since: Date?
    /// The agency's answer deadline, while it is waiting for one.
    var respondBy: Date?
    /// The reason recorded with the last change ("No capacity: full until March").
    var reason: String?

    init(status: ReferralStatus, agency: String, personName: String? = nil, since: Date? = nil, respondBy: Date? = nil, reason: String? = nil) {
        self.status = status
        self.agency = agency
        self.personName = personName?.nonBlank
        self.since = since
        self.respondBy = respondBy
        self.reason = reason?.nonBlank
    }

    /// From a referral and its history; `agency` is its organization's name.
    init(_ referral: Referral, agency: String, personName: String? = nil) {
        let last = referral.history?.last { $0.to == referral.status }
        self.init(status: referral.status, agency: agency, personName: personName, since: last?.at ?? referral.updatedAt,
                  respondBy: referral.respondBy, reason: last?.reason)
    }

    func text(_ time: PageTime) -> String {
        let person = personName ?? "the person"
        let on = since.map { " on \(time.day($0))" } ?? ""
        let because = reason.map { " (\($0))" } ?? ""
        switch status {
        case .draft:
            return "Not sent yet: a draft for \(agency)."
        case .requested:
            let deadline = respondBy.map { "; \(time.deadline($0))" } ?? ""
            return "Waiting for \(agency) to answer\(deadline)."
        case .accepted:
            return "\(agency) accepted\(on); next: they will contact \(person)."
        case .inProgress:
            return "\(agency) is working with \(person)\(since.map { " since \(time.day($0))" } ?? "")."
        case .onHold:
            return "\(agency) put the referral on hold\(on)\(because); next: they will say when it goes on."
        case .rejected:
            return "\(agency) turned the referral down\(on)\(because); next: choose another service with \(person)."
        case .failed:
            return "\(agency) could not complete the service\(on)\(because); next: choose another service with \(person)."
        case .completed:
            return "\(agency) completed the referral\(on)\(because)."
        case .cancelled:
            return "Cancelled\(on)\(because); \(agency) need do nothing more."
        case .enteredInError:
            return "Marked as entered in error\(on): disregard this referral."
        }
    }
}
