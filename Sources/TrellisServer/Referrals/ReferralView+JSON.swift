import Foundation
import TrellisCore

/// The referral list written straight into bytes: encoding a page with `JSONEncoder` was a quarter of
/// a `GET /v1/referrals` request. Keys are written in the order `.sortedKeys` gives (UTF-8 order,
/// across the referral's own keys and the view's), absent optionals left out as the encoder leaves
/// them; a differential test holds it to `JSONResponse.encoder`'s bytes.
extension ReferralView {
    func write(into json: inout JSONTextWriter) {
        let r = referral
        json.object { json in
            json.key("consent_id"); json.value(r.consentID)
            if let attempts = r.contactAttempts { json.key("contact_attempts"); json.value(attempts) }
            json.key("created_at"); json.value(r.createdAt.iso8601Seconds)
            json.key("created_by"); json.value(r.createdBy)
            if let at = r.firstAnsweredAt { json.key("first_answered_at"); json.value(at.iso8601Seconds) }
            if let at = r.followUpDoneAt { json.key("follow_up_done_at"); json.value(at.iso8601Seconds) }
            json.key("follow_up_due"); json.value(followUpDue)
            if let day = r.followUpOn { json.key("follow_up_on"); json.value(day.description) }
            if let history = r.history {
                json.key("history")
                json.array { json in for change in history { Self.write(change, into: &json) } }
            }
            json.key("id"); json.value(r.id)
            json.key("need_domains")
            json.array { json in for domain in r.needDomains { json.value(domain.rawValue) } }
            json.key("needs_next_step"); json.value(r.needsNextStep)
            if let next = r.nextReferralID { json.key("next_referral_id"); json.value(next) }
            if let note = r.note { json.key("note"); json.value(note) }
            json.key("organization_id"); json.value(r.organizationID)
            if let outcome = r.outcome { json.key("outcome"); Self.write(outcome, into: &json) }
            json.key("overdue"); json.value(overdue)
            json.key("person_ref"); json.value(r.personRef)
            if let previous = r.previousReferralID { json.key("previous_referral_id"); json.value(previous) }
            if let organization = r.referrerOrganizationID { json.key("referrer_organization_id"); json.value(organization) }
            if let at = r.requestedAt { json.key("requested_at"); json.value(at.iso8601Seconds) }
            if let at = r.respondBy { json.key("respond_by"); json.value(at.iso8601Seconds) }
            json.key("service_id"); json.value(r.serviceID)
            if let withdrawn = r.serviceWithdrawn { json.key("service_withdrawn"); json.value(withdrawn) }
            json.key("status"); json.value(r.status.rawValue)
            json.key("updated_at"); json.value(r.updatedAt.iso8601Seconds)
            json.key("version"); json.value(r.version)
        }
    }

    private static func write(_ outcome: ReferralOutcome, into json: inout JSONTextWriter) {
        json.object { json in
            json.key("code"); json.value(outcome.code.rawValue)
            if let text = outcome.text { json.key("text"); json.value(text) }
        }
    }

    private static func write(_ change: ReferralStatusChange, into json: inout JSONTextWriter) {
        json.object { json in
            json.key("actor"); json.value(change.actor)
            json.key("at"); json.value(change.at.iso8601Seconds)
            if let status = change.businessStatus { json.key("business_status"); json.value(status.rawValue) }
            if let from = change.from { json.key("from"); json.value(from.rawValue) }
            if let outcome = change.outcome { json.key("outcome"); write(outcome, into: &json) }
            json.key("party"); json.value(change.party.rawValue)
            if let reason = change.reason { json.key("reason"); json.value(reason) }
            if let related = change.relatedReferralID { json.key("related_referral_id"); json.value(related) }
            json.key("source"); json.value(change.source.rawValue)
            json.key("to"); json.value(change.to.rawValue)
        }
    }
}

extension Page where Item == ReferralView {
    var jsonBytes: [UInt8] {
        var json = JSONTextWriter(capacity: 512 * (contents.count + 1))
        json.object { json in
            json.key("contents")
            json.array { json in for view in contents { view.write(into: &json) } }
            json.key("empty"); json.value(contents.isEmpty)
            json.key("first_page"); json.value(pageNumber == 1)
            json.key("has_more"); json.value(hasMore)
            json.key("last_page"); json.value(!hasMore)
            json.key("page_number"); json.value(pageNumber)
            json.key("size"); json.value(size)
            if let totalItems { json.key("total_items"); json.value(totalItems) }
            if let totalPages { json.key("total_pages"); json.value(totalPages) }
        }
        return json.bytes
    }
}
