import Foundation
import Hummingbird
import TrellisCore
import TrellisDelivery
import TrellisStore

/// An agency's inbox: the referrals addressed to its organizations, each shown exactly as the consent
/// allows (the document an API partner would receive, as a page), with the forms to answer it.
extension WebController {
    static let inboxReaders: Set<UserAccount.Role> = [.agency, .admin]

    /// New, open and overdue referrals for the agency, newest first, with their answer deadlines.
    func inbox(_ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require(Self.inboxReaders, context, to: "open the inbox")
        let audit = access.audit(user, context, purpose: "coordination")
        let found = try await store.referrals(ReferralFilter(limit: 201, scope: try await access.referralScope(for: user)), context: audit)
        let opened = try await store.openedInInbox(referralIDs: found.map(\.id))
        let now = Date()
        let directory = matching?.catalog
        let time = self.time
        func row(_ referral: Referral) -> [String: Any] {
            var row: [String: Any] = [
                "id": referral.id, "status": referral.status.rawValue, "person_ref": referral.personRef,
                "service": directory?.name(of: referral.serviceID) ?? referral.serviceID, "service_id": referral.serviceID,
                "agency": organizationName(referral.organizationID), "agency_id": referral.organizationID,
                "sent": referral.requestedAt.map(time.moment) ?? "", "respond_by": referral.respondBy.map(time.moment) ?? "",
                "overdue": referral.isOverdue(at: now), "new": referral.status == .requested && !opened.contains(referral.id),
            ]
            row["deadline"] = deadlineWords(referral)
            return row
        }
        let waiting = found.prefix(200).filter { $0.status == .requested }
        let open = found.prefix(200).filter { [.accepted, .inProgress, .onHold].contains($0.status) }
        let closed = found.prefix(200).filter { $0.status.isFinal }
        let overdue = waiting.filter { $0.isOverdue(at: now) }.count
        var values: [String: Any] = [
            "waiting": waiting.map(row), "open": open.map(row), "closed": closed.prefix(50).map(row),
            "none_waiting": waiting.isEmpty, "none_open": open.isEmpty, "any_closed": !closed.isEmpty,
            "organizations": user.organizations.map(organizationName).joined(separator: ", "),
            "services": try await store.services(ofOrganizations: user.role == .agency ? user.organizations : []).map { service in
                [
                    "id": service.id, "name": service.name, "available": service.capacity?.available.map(String.init) ?? "",
                    "waitlist": service.capacity?.waitlist.map(String.init) ?? "",
                    "as_of": service.capacity?.updated.map { "as of \(time.day($0))" } ?? "never reported",
                ] as [String: Any]
            },
        ]
        values["overdue_count"] = overdue > 0 ? overdue : nil  // absent when none: a zero would still show the flag
        return pages.render("inbox", values, title: "Inbox", context: context)
    }

    /// One referral as the agency may see it. The first opening by each user is audited as the
    /// disclosure of what the page shows.
    func inboxReferral(_ id: String, _ context: TrellisRequestContext, message: String? = nil) async throws -> Response {
        let user = try await access.require(Self.inboxReaders, context, to: "open the inbox")
        let audit = access.audit(user, context, purpose: "coordination")
        let referral = try await store.referral(id: id, scope: try await access.referralScope(for: user), context: audit)
        let consent = try await store.consent(referralID: id, context: audit)
        let now = Date()
        let time = self.time
        var values: [String: Any] = [
            "id": referral.id, "status": referral.status.rawValue, "person_ref": referral.personRef, "version": referral.version,
            "agency": organizationName(referral.organizationID), "agency_id": referral.organizationID,
            "sent": referral.requestedAt.map(time.moment) ?? "",
            "respond_by": referral.respondBy.map(time.moment) ?? "", "overdue": referral.isOverdue(at: now),
            "timeline": Self.timeline(referral, time: time),
        ]
        values["deadline"] = deadlineWords(referral)
        // Nothing of the person is read unless the consent is still in force for this agency.
        if consent.consent.isInForce(at: now), consent.consent.recipient == referral.organizationID,
           let service = try await store.service(id: referral.serviceID) {
            let person = try await store.person(referralID: id, context: audit)
            let partner = try await store.partner(answeringFor: referral.organizationID)
                ?? Partner(id: referral.organizationID, organizations: [referral.organizationID], endpoint: nil)
            if let disclosure = ReferralDisclosure(referral: referral, consentID: consent.id, consent: consent.consent, profile: person.profile,
                                                   note: person.note, service: service, partner: partner, now: now) {
                values["disclosure"] = InboxDisclosureView.values(disclosure)
                _ = try await store.recordInboxOpening(referralID: id, disclosed: disclosure.categories, context: audit)
            }
        }
        if values["disclosure"] == nil {
            values["withheld"] = consent.consent.revokedAt.map { "The person revoked their consent on \(time.moment($0)): their details are no longer shown." }
                ?? consent.consent.expiresAt.flatMap { $0 <= now ? "The person's consent expired on \(time.day($0)): their details are no longer shown." : nil }
                ?? "The person's consent to share their information with you is no longer in force: only the referral itself is shown."
            _ = try await store.recordInboxOpening(referralID: id, disclosed: [], context: audit)
        }
        values["answers"] = InboxAnswerForm.choices(from: referral.status)
        values["can_answer"] = !(values["answers"] as? [[String: Any]] ?? []).isEmpty
        values["rejection_reasons"] = AgencyAnswerReason.rejections.map { ["value": $0.rawValue, "title": $0.title] }
        // One list for completed and failed: the form says which codes go with which if they do not match.
        values["outcomes"] = AgencyAnswerReason.allCases.filter { $0 != .other }.map { ["value": $0.rawValue, "title": $0.title] }
            + [["value": AgencyAnswerReason.other.rawValue, "title": "Other (say what in the box below)"]]
        try await addThread(referral, consent: consent.consent, user: user, context, action: "/inbox/\(id)/messages", into: &values)
        if let message { values["message"] = message }
        return pages.render("inbox-referral", values, title: "Referral \(referral.id)", context: context)
    }

    /// Accept, reject with a reason, start, put on hold, complete or end with an outcome.
    func answerFromInbox(_ id: String, _ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require([.agency], context, to: "answer referrals")
        let form = try await form(request, context)
        let audit = access.audit(user, context, purpose: "coordination")
        // Another agency's referral is "not found" (and audited so) rather than refused by the lifecycle.
        _ = try await store.referral(id: id, scope: try await access.referralScope(for: user), context: audit)
        let answer: InboxAnswerForm.Answer
        do { answer = try InboxAnswerForm.answer(form) } catch let error as APIError {
            return try await inboxReferral(id, context, message: error.message)
        }
        do {
            _ = try await store.changeStatus(StatusChangeRequest(referralID: id, status: answer.status, party: .agency, reason: answer.reason,
                                                                 source: .api, expectedVersion: form["version"].flatMap { Int($0) },
                                                                 outcome: answer.outcome, businessStatus: answer.businessStatus), context: audit)
        } catch let error as StoreError where error != .referralNotFound(id) {
            return try await inboxReferral(id, context, message: APIError(error).message)
        }
        return Self.seeOther("/inbox/\(id)")
    }

    /// The capacity form on the inbox page: the same report as `PUT /v1/services/{id}/capacity`.
    func reportCapacityFromInbox(_ id: String, _ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require([.agency], context, to: "report capacity")
        let form = try await form(request, context)
        func count(_ field: String) throws -> Int? {
            guard let text = form[field]?.nonBlank else { return nil }
            guard let value = Int(text), CapacityUpdate.range.contains(value) else {
                throw APIError(.badRequest, code: "invalid", "\(field): a whole number from 0 to 100000, or empty when not known", field: field)
            }
            return value
        }
        _ = try await CapacityUpdate(available: try count("available"), waitlist: try count("waitlist"))
            .apply(to: id, by: user, context, store: store, access: access, matching: matching)
        return Self.seeOther("/inbox")
    }

    static func timeline(_ referral: Referral, time: PageTime) -> [[String: Any]] {
        (referral.history ?? []).map { change in
            var row: [String: Any] = ["at": time.moment(change.at), "from": change.from?.rawValue ?? "new", "to": change.to.rawValue,
                                      "actor": change.actor, "party": change.party.rawValue, "source": change.source.rawValue]
            row["reason"] = change.reason  // absent, not blank: the template shows it only when given
            return row.merging(followThroughTimeline(change)) { own, _ in own }
        }
    }
}
