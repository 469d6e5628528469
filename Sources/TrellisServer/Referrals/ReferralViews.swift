import Foundation
import TrellisCore
import TrellisStore

/// A referral as the API lists it: its own fields plus whether it is overdue now, whether it needs a
/// next step (rejected or failed, not referred again) and whether its follow-up is due.
struct ReferralView: Encodable, Sendable {
    var referral: Referral
    var overdue: Bool
    var followUpDue: Bool

    init(_ referral: Referral, now: Date, calendar: BusinessCalendar = BusinessCalendar()) {
        self.referral = referral
        overdue = referral.isOverdue(at: now)
        followUpDue = referral.isFollowUpDue(on: calendar.day(of: now))
    }

    enum ExtraKeys: String, CodingKey { case overdue, needsNextStep = "needs_next_step", followUpDue = "follow_up_due" }

    func encode(to encoder: any Encoder) throws {
        try referral.encode(to: encoder)
        var extra = encoder.container(keyedBy: ExtraKeys.self)
        try extra.encode(overdue, forKey: .overdue)
        try extra.encode(referral.needsNextStep, forKey: .needsNextStep)
        try extra.encode(followUpDue, forKey: .followUpDue)
    }
}

/// One referral in full: its history, its delivery state and every delivery attempt.
struct ReferralDetail: Encodable, Sendable {
    var view: ReferralView
    var delivery: OutboxEntry?
    var attempts: [DeliveryAttempt]

    enum ExtraKeys: String, CodingKey { case delivery, attempts = "delivery_attempts" }

    func encode(to encoder: any Encoder) throws {
        try view.encode(to: encoder)
        var extra = encoder.container(keyedBy: ExtraKeys.self)
        try extra.encode(delivery, forKey: .delivery)
        try extra.encode(attempts, forKey: .attempts)
    }
}

/// A page of a list, in the shape HSDA uses for its `Page` (`contents` plus where it sits). Referral
/// lists are not counted in full, so they say `has_more` instead of `total_items`.
struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    var contents: [Item]
    var pageNumber: Int
    var size: Int
    var totalItems: Int?
    var hasMore: Bool

    var totalPages: Int? { totalItems.map { size == 0 ? 0 : ($0 + size - 1) / size } }

    enum CodingKeys: String, CodingKey {
        case contents, size, empty
        case pageNumber = "page_number", totalItems = "total_items", totalPages = "total_pages"
        case firstPage = "first_page", lastPage = "last_page", hasMore = "has_more"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(contents, forKey: .contents)
        try c.encode(pageNumber, forKey: .pageNumber)
        try c.encode(size, forKey: .size)
        try c.encodeIfPresent(totalItems, forKey: .totalItems)
        try c.encodeIfPresent(totalPages, forKey: .totalPages)
        try c.encode(pageNumber == 1, forKey: .firstPage)
        try c.encode(!hasMore, forKey: .lastPage)
        try c.encode(hasMore, forKey: .hasMore)
        try c.encode(contents.isEmpty, forKey: .empty)
    }
}
