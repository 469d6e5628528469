import Foundation
import TrellisCore

/// The referral rules both backends share: what a new referral looks like, whether a consent
/// covers it, and what a status change does. The backends only load and store.
enum ReferralRules {
    static func checkConsent(_ consent: Consent, for service: Service, at now: Date) throws(StoreError) {
        guard consent.recipient == service.organizationID else {
            throw .consentRecipientMismatch(recipient: consent.recipient, organization: service.organizationID)
        }
        if let revoked = consent.revokedAt, revoked <= now { throw .consentNotInForce("it was revoked") }
        if let expires = consent.expiresAt, expires <= now { throw .consentNotInForce("it expired at \(expires.formatted(.iso8601))") }
        if consent.capturedAt > now { throw .consentNotInForce("it is dated in the future") }
    }

    /// A message may carry the person's information only under a consent in force for the agency that
    /// covers clinical notes; the refusal says which is missing and what may still be sent.
    static func checkPersonalInformation(_ consent: Consent, organization: String, at now: Date) throws(StoreError) {
        if !consent.isInForce(at: now) {
            let why = consent.revokedAt.map { $0 <= now } == true ? "was revoked" : "has expired"
            throw .messageRefused(field: "contains_personal_information", reason: """
                the person's consent \(why): a message with their personal information cannot be sent; a message without it still can
                """)
        }
        guard consent.allows(.clinicalNotes, to: organization, at: now) else {
            throw .messageRefused(field: "contains_personal_information", reason: """
                the person's consent does not cover clinical notes: a message with their personal information cannot be sent; \
                send one without it, or record the person's consent again
                """)
        }
    }

    /// The referral as first stored, and its first history row.
    static func created(_ request: NewReferral, service: Service, ids: (referral: String, consent: String),
                        context: AuditContext, deadline: (Date) -> Date) -> (Referral, ReferralStatusChange) {
        let status: ReferralStatus = request.draft ? .draft : .requested
        let now = context.now
        var domains: [NeedDomain] = []
        for need in request.profile.needs where !domains.contains(need.domain) { domains.append(need.domain) }
        let referral = Referral(
            id: ids.referral, status: status, serviceID: service.id, organizationID: service.organizationID,
            personRef: request.profile.person.ref, consentID: ids.consent, needDomains: domains, createdAt: now,
            createdBy: context.actor, requestedAt: request.draft ? nil : now, respondBy: request.draft ? nil : deadline(now),
            updatedAt: now, version: 1, note: nil, referrerOrganizationID: request.referrerOrganizationID?.nonBlank)
        let change = ReferralStatusChange(at: now, actor: context.actor, party: .referrer, from: nil, to: status, source: request.source)
        return (referral, change)
    }

    /// The referral after a legal move, and the history row for it. Throws, changing nothing, when the
    /// move is illegal, not the party's to make, lacks a reason, carries an outcome its status does not
    /// allow, or the referral changed meanwhile. A contact attempt on a referral already in progress is
    /// recorded as a row of its own (in-progress to in-progress).
    static func applying(_ request: StatusChangeRequest, to current: Referral, context: AuditContext,
                         deadline: (Date) -> Date, followUp: (Date) -> CalendarDay = { _ in CalendarDay(daysSinceEpoch: 0) })
        throws(StoreError) -> (Referral, ReferralStatusChange) {
        if let message = request.partnerMessage, !message.organizations.contains(current.organizationID) {
            throw .notPartnersReferral(partner: message.partnerID, referral: current.id)
        }
        if let expected = request.expectedVersion, expected != current.version {
            throw .conflict(referral: current.id, expectedVersion: expected, currentVersion: current.version, currentStatus: current.status)
        }
        if let business = request.businessStatus, !business.statuses.contains(request.status) {
            throw .invalid(field: "business_status", reason: "\(business.rawValue) goes only with "
                           + business.statuses.map(\.rawValue).sorted().joined(separator: ", "))
        }
        let outcome = try checkedOutcome(request, referral: current.id)
        let contactAttempt = request.businessStatus == .contactAttempted && current.status == .inProgress && request.status == .inProgress
        // Rejecting needs a reason: an outcome code is one.
        let reason = request.reason?.nonBlank ?? outcome?.summary
        do throws(ReferralTransitionError) {
            if contactAttempt {
                guard request.party == .agency else { throw ReferralTransitionError.notThisPartysMove(party: request.party, to: .inProgress) }
            } else {
                try ReferralLifecycle.check(from: current.status, to: request.status, by: request.party, reason: reason)
            }
        } catch {
            throw .transition(referral: current.id, error)
        }
        let now = context.now
        var next = current
        next.status = request.status
        next.version += 1
        next.updatedAt = now
        if request.status == .requested && next.requestedAt == nil {
            next.requestedAt = now
            next.respondBy = deadline(now)
        }
        if request.party == .agency && request.status.isAnswer && next.firstAnsweredAt == nil { next.firstAnsweredAt = now }
        if let outcome { next.outcome = outcome }
        if request.status == .completed && outcome?.code == .serviceStarted { next.followUpOn = followUp(now) }
        if request.businessStatus == .contactAttempted { next.contactAttempts = (current.contactAttempts ?? 0) + 1 }
        let change = ReferralStatusChange(at: now, actor: context.actor, party: request.party, from: current.status,
                                          to: request.status, reason: reason, source: request.source,
                                          outcome: outcome, businessStatus: request.businessStatus)
        return (next, change)
    }

    /// The request's outcome, checked against its status. `completed` and `failed` without one are
    /// accepted (the outcome is unknown: older partners send none); the inbox form asks for one.
    static func checkedOutcome(_ request: StatusChangeRequest, referral id: String) throws(StoreError) -> ReferralOutcome? {
        guard let outcome = request.outcome else { return nil }
        do {
            return try ReferralOutcome.checked(code: outcome.code, text: outcome.text, for: request.status)
        } catch {
            throw .outcome(referral: id, error)
        }
    }

    /// Only a referral still waiting for its partner, whose delivery failed, was refused as gone or
    /// waits for a retry, can be sent again by hand.
    static func checkRetry(_ referralID: String, outboxState: String, referralStatus: String) throws(StoreError) {
        guard referralStatus == ReferralStatus.requested.rawValue else {
            throw .invalid(field: "referral \(referralID)", reason: "it is \(referralStatus); only a requested referral is sent")
        }
        guard ["failed", "undeliverable", "pending"].contains(outboxState) else {
            throw .invalid(field: "referral \(referralID)", reason: "its delivery is \(outboxState); only a failed, undeliverable or waiting delivery is sent again")
        }
    }

    static func auditDetail(_ change: ReferralStatusChange) -> String {
        "status \(change.from?.rawValue ?? "new")→\(change.to.rawValue) by \(change.party.rawValue) via \(change.source.rawValue)"
            + (change.outcome.map { " outcome \($0.code.rawValue)" } ?? "") + (change.businessStatus.map { " \($0.rawValue)" } ?? "")
    }

    /// The profile as stored (sealed): without the name and contact details, which are sealed apart.
    static func storedProfile(_ profile: NeedsProfile) throws -> Data {
        var copy = profile
        copy.person.name = nil
        copy.person.phone = nil
        copy.person.email = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(copy)
    }
}
