import Foundation
import TrellisCore
import TrellisStore

/// How commands print referrals: JSON with the contract's keys, or one readable line each.
enum ReferralOutput {
    /// The referral's own keys, plus `overdue` and (for show) `delivery`.
    struct Document: Encodable {
        var referral: Referral
        var delivery: OutboxEntry?
        var now: Date

        enum Extra: String, CodingKey { case overdue, delivery }

        func encode(to encoder: any Encoder) throws {
            try referral.encode(to: encoder)
            var extra = encoder.container(keyedBy: Extra.self)
            try extra.encode(referral.isOverdue(at: now), forKey: .overdue)
            try extra.encodeIfPresent(delivery, forKey: .delivery)
        }
    }

    struct List: Encodable {
        var referrals: [Document]
        var count: Int
    }

    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func print(_ referral: Referral, delivery: OutboxEntry? = nil, json: Bool, now: Date) throws {
        if json {
            Swift.print(try encode(Document(referral: referral, delivery: delivery, now: now)))
            return
        }
        Swift.print(line(referral, now: now))
        for change in referral.history ?? [] {
            let reason = (change.reason.map { " (\($0))" } ?? "") + (change.businessStatus.map { " [\($0.title.lowercased())]" } ?? "")
                + (change.relatedReferralID.map { " → \($0)" } ?? "")
            Swift.print("  \(change.at.formatted(.iso8601))  \(change.from?.rawValue ?? "new") → \(change.to.rawValue)  by \(change.actor) [\(change.party.rawValue), \(change.source.rawValue)]\(reason)")
        }
        if let delivery {
            Swift.print("  delivery: \(delivery.state.rawValue), \(delivery.attempts) attempts" + (delivery.lastError.map { ", last error: \($0)" } ?? ""))
        }
    }

    static func line(_ referral: Referral, now: Date) -> String {
        var parts = ["\(referral.id)  \(referral.status.rawValue)  \(referral.organizationID)  \(referral.serviceID)  \(referral.personRef)"]
        if let due = referral.respondBy, referral.status == .requested {
            parts.append(referral.isOverdue(at: now) ? "OVERDUE since \(due.formatted(.iso8601))" : "answer due \(due.formatted(.iso8601))")
        }
        if let outcome = referral.outcome { parts.append("outcome: \(outcome.summary)") }
        if let attempts = referral.contactAttempts { parts.append("contact attempted \(attempts)×") }
        if referral.needsNextStep { parts.append("NEEDS A NEXT STEP") }
        if let day = referral.followUpOn { parts.append(referral.followUpDoneAt == nil ? "follow up on \(day)" : "followed up") }
        return parts.joined(separator: "  ")
    }
}
