import TrellisCore

/// The inbox's answer form: which answers a referral's status allows the agency, and what a
/// submitted form asks for.
enum InboxAnswerForm {
    struct Answer: Equatable {
        var status: ReferralStatus
        var reason: String?
        var outcome: ReferralOutcome?
        var businessStatus: ReferralBusinessStatus?
    }

    /// The radio value that records a contact attempt (the referral is, or becomes, in progress).
    static let contactAttempted = ReferralBusinessStatus.contactAttempted.rawValue

    /// The agency's moves from `status`, in the order a coordinator meets them.
    static func choices(from status: ReferralStatus) -> [[String: Any]] {
        let order: [(ReferralStatus, String)] = [(.accepted, "Accept"), (.rejected, "Turn down"), (.inProgress, "Service under way"),
                                                 (.onHold, "Put on hold"), (.completed, "Completed"), (.failed, "Ended without the service")]
        let allowed = ReferralLifecycle.moves(from: status)
        var choices: [[String: Any]] = order.filter { allowed.contains($0.0) && ReferralLifecycle.party(setting: $0.0) == .agency }.map { move in
            ["value": move.0.rawValue, "title": move.1, "needs_rejection_reason": move.0 == .rejected,
             "needs_outcome": move.0 == .completed || move.0 == .failed, "needs_note": move.0 == .onHold]
        }
        if status == .inProgress || allowed.contains(.inProgress) {
            choices.append(["value": contactAttempted, "title": "Tried to reach the person (no contact yet)", "needs_rejection_reason": false,
                            "needs_outcome": false, "needs_note": false])
        }
        return choices
    }

    /// The move and its recorded reason; refused, naming the field, when a required reason is missing.
    static func answer(_ form: FormData) throws -> Answer {
        if form["status"] == contactAttempted {
            return Answer(status: .inProgress, reason: form["text"]?.nonBlank, businessStatus: .contactAttempted)
        }
        guard let status = form["status"].flatMap(ReferralStatus.init(rawValue:)), ReferralLifecycle.party(setting: status) == .agency else {
            throw APIError(.badRequest, code: "invalid", "choose an answer", field: "status")
        }
        let text = form["text"]?.nonBlank
        switch status {
        case .rejected:
            // The outcome is the rejection's reason: the same codes, in their own field.
            let outcome = try checkedOutcome(form["reason"], text: text, status: status, field: "reason", missing: "say why the referral is turned down")
            return Answer(status: status, reason: outcome.summary, outcome: outcome)
        case .completed, .failed:
            // Required here (an agency using the form always knows); the API accepts an answer without one.
            let outcome = try checkedOutcome(form["outcome"], text: text, status: status, field: "outcome", missing: "say how it ended")
            return Answer(status: status, reason: outcome.summary, outcome: outcome)
        case .onHold:
            guard let text else { throw APIError(.badRequest, code: "invalid", "say why it is on hold", field: "text") }
            return Answer(status: status, reason: text)
        default:
            return Answer(status: status, reason: text)
        }
    }

    static func checkedOutcome(_ code: String?, text: String?, status: ReferralStatus, field: String, missing: String) throws -> ReferralOutcome {
        guard let code = code?.nonBlank else { throw APIError(.badRequest, code: "invalid", missing, field: field) }
        do {
            return try ReferralOutcome.checked(code: code, text: text, for: status)
        } catch {
            throw APIError(.badRequest, code: "invalid", error.description, field: error.field == "outcome.text" ? "text" : field)
        }
    }
}
