import TrellisCore

/// The inbox's answer form: which answers a referral's status allows the agency, and what a
/// submitted form asks for.
enum InboxAnswerForm {
    struct Answer: Equatable {
        var status: ReferralStatus
        var reason: String?
    }

    /// The agency's moves from `status`, in the order a coordinator meets them.
    static func choices(from status: ReferralStatus) -> [[String: Any]] {
        let order: [(ReferralStatus, String)] = [(.accepted, "Accept"), (.rejected, "Turn down"), (.inProgress, "Service under way"),
                                                 (.onHold, "Put on hold"), (.completed, "Completed"), (.failed, "Ended without the service")]
        let allowed = ReferralLifecycle.moves(from: status)
        return order.filter { allowed.contains($0.0) && ReferralLifecycle.party(setting: $0.0) == .agency }.map { move in
            ["value": move.0.rawValue, "title": move.1, "needs_rejection_reason": move.0 == .rejected,
             "needs_outcome": move.0 == .completed || move.0 == .failed, "needs_note": move.0 == .onHold]
        }
    }

    /// The move and its recorded reason; refused, naming the field, when a required reason is missing.
    static func answer(_ form: FormData) throws -> Answer {
        guard let status = form["status"].flatMap(ReferralStatus.init(rawValue:)), ReferralLifecycle.party(setting: status) == .agency else {
            throw APIError(.badRequest, code: "invalid", "choose an answer", field: "status")
        }
        let text = form["text"]?.nonBlank
        switch status {
        case .rejected:
            guard let reason = form["reason"].flatMap(AgencyAnswerReason.init(rawValue:)), AgencyAnswerReason.rejections.contains(reason) else {
                throw APIError(.badRequest, code: "invalid", "say why the referral is turned down", field: "reason")
            }
            return Answer(status: status, reason: reason.recorded(with: text))
        case .completed, .failed:
            guard let outcome = form["outcome"].flatMap(AgencyAnswerReason.init(rawValue:)) else {
                throw APIError(.badRequest, code: "invalid", "say how it ended", field: "outcome")
            }
            return Answer(status: status, reason: outcome.recorded(with: text))
        case .onHold:
            guard let text else { throw APIError(.badRequest, code: "invalid", "say why it is on hold", field: "text") }
            return Answer(status: status, reason: text)
        default:
            return Answer(status: status, reason: text)
        }
    }
}
