import Foundation
import Hummingbird
import TrellisCore
import TrellisMatching
import TrellisStore

/// What happens after the agency answers, on the case worker's pages: the outcome, contact attempts,
/// the next matches of a rejected or failed referral, the referrals linked to it, and the follow-up.
extension WebController {
    /// The tracker row's flags for one referral.
    static func followThroughFlags(_ referral: Referral, today: CalendarDay) -> [String: Any] {
        var row: [String: Any] = ["needs_next_step": referral.needsNextStep, "follow_up_due": referral.isFollowUpDue(on: today)]
        if let attempts = referral.contactAttempts {
            row["contact_attempts"] = attempts
            row["contact_attempts_unit"] = attempts == 1 ? "time" : "times"
        }
        return row
    }

    /// The tracker's "Follow-ups due" section: the caller's referrals whose follow-up has come.
    func followUpsDue(_ scope: ReferralScope, user: UserAccount, _ context: TrellisRequestContext) async throws -> [String: Any]? {
        guard AccessControl.referrers.contains(user.role) else { return nil }
        let due = try await store.referrals(ReferralFilter(followUpDueAt: Date(), limit: 50, scope: scope), context: access.audit(user, context))
        guard !due.isEmpty else { return nil }
        return ["list": due.map { referral in
            ["id": referral.id, "person_ref": referral.personRef, "service": matching?.catalog.name(of: referral.serviceID) ?? referral.serviceID,
             "follow_up_on": referral.followUpOn?.description ?? ""] as [String: Any]
        }]
    }

    /// The referral page's outcome, contact attempts, linked referrals, follow-up and next matches.
    func followThroughValues(_ referral: Referral, user: UserAccount, _ context: TrellisRequestContext) async throws -> [String: Any] {
        var values: [String: Any] = [:]
        if let outcome = referral.outcome {
            var shown: [String: Any] = ["title": outcome.code.title]
            shown["text"] = outcome.text
            values["outcome"] = shown
        }
        if let attempts = referral.contactAttempts {
            values["contact_attempts"] = attempts
            values["contact_attempts_unit"] = attempts == 1 ? "time" : "times"
        }
        if referral.previousReferralID != nil || referral.nextReferralID != nil {
            var chain: [String: Any] = [:]
            chain["previous"] = referral.previousReferralID
            chain["next"] = referral.nextReferralID
            values["chain"] = chain
        }
        let referrer = AccessControl.referrers.contains(user.role)
        if let day = referral.followUpOn {
            var followUp: [String: Any] = ["on": time.day(day), "due": referral.isFollowUpDue(on: store.businessCalendar.day(of: Date())),
                                           "can_record": referrer]
            followUp["done"] = referral.followUpDoneAt.map(time.moment)
            values["follow_up"] = followUp
        }
        if referrer, referral.needsNextStep, let matching {
            let audit = access.audit(user, context)
            let person = try await store.person(referralID: referral.id, context: audit)
            let next = try NextMatches.rank(referral, profile: person.profile, matching: matching, limit: 3)
            let carried = try ProfileForm.carried(person.profile)
            // Shown as the matches page shows a match: how to reach it, and why it is listed, in words.
            let time = self.time
            var services: [String: Service] = [:]
            for id in Set(next.outcome.matches.flatMap { $0.results.map(\.serviceID) }) { services[id] = try await store.service(id: id) }
            values["next_matches"] = [
                "agency": organizationName(referral.organizationID), "profile": carried, "previous_referral_id": referral.id,
                "needs": next.outcome.matches.map { need in
                    ["domain": need.need.domain.rawValue, "title": need.need.domain.title, "results": need.results.map { result in
                        Self.resultView(result, profile: carried, service: services[result.serviceID], time: time)
                    }] as [String: Any]
                },
            ] as [String: Any]
        }
        return values
    }

    /// The timeline row's extras: a contact attempt, a linked referral.
    static func followThroughTimeline(_ change: ReferralStatusChange) -> [String: Any] {
        var row: [String: Any] = [:]
        row["business_status"] = change.businessStatus?.title
        row["related"] = change.relatedReferralID
        return row
    }

    /// The follow-up form on the referral page.
    func recordFollowUp(_ id: String, _ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require(AccessControl.referrers, context, to: "record follow-ups")
        let form = try await form(request, context)
        let audit = access.audit(user, context)
        _ = try await store.referral(id: id, scope: try await access.referralScope(for: user), context: audit)
        if let note = form["note"], note.utf8.count > 4_000 { return try await referralPage(id, context, message: "note: at most 4,000 bytes") }
        do {
            _ = try await store.recordFollowUp(referralID: id, note: form["note"], context: audit)
        } catch let error as StoreError where error != .referralNotFound(id) {
            return try await referralPage(id, context, message: APIError(error).message)
        }
        return Self.seeOther("/referrals/\(id)")
    }

    /// The dashboard's outcome tables: per agency and per need domain, one column per outcome code.
    static func outcomeValues(_ report: LoopClosureReport, organizationName: (String) -> String = { $0 }) -> [String: Any] {
        let codes = AgencyAnswerReason.allCases.map(\.rawValue) + ["unknown"]
        let titles = AgencyAnswerReason.allCases.map(\.title) + ["Not said"]
        func cells(_ counts: [String: Int]) -> [[String: Any]] { codes.map { ["value": counts[$0] ?? 0] } }
        return [
            "codes": titles.map { ["title": $0] },
            "agencies": report.agencies.map { a in
                ["id": a.organizationID ?? "", "name": a.organizationID.map(organizationName) ?? "", "cells": cells(a.outcomes), "re_referred": a.reReferred, "contact_attempts": a.contactAttempts] as [String: Any]
            },
            "domains": report.byNeedDomain.map { d in
                ["domain": d.needDomain, "title": NeedDomain(rawValue: d.needDomain)?.title ?? d.needDomain, "cells": cells(d.outcomes), "re_referred": d.reReferred] as [String: Any]
            },
        ]
    }
}
