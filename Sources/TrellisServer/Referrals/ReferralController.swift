import Foundation
import HTTPTypes
public import Hummingbird
import HummingbirdCore
import TrellisCore
public import TrellisStore

/// `/v1/referrals`: make a referral under consent, list and read them within the caller's scope, and
/// cancel one. Each touch of a referral is audited by the store.
public struct ReferralController: Sendable {
    static let bodyLimit = 128 * 1_024
    static let listParameters: Set<String> = ["status", "agency", "overdue", "mine", "page", "per_page", "follow_up_due", "needs_next_step"]
    let store: any ReferralRepository & PartnerRepository & DeliveryRepository
    let access: AccessControl
    /// Ranks a rejected referral's next matches; nil when the server has no directory loaded.
    let matching: MatchingService?

    public init(store: any ReferralRepository & PartnerRepository & DeliveryRepository, auditLog: any AuditLog, matching: MatchingService? = nil) {
        self.store = store
        self.matching = matching
        access = AccessControl(store: store, auditLog: auditLog)
    }

    /// Routes for a group behind authentication.
    public func addRoutes(to group: RouterGroup<TrellisRequestContext>) {
        group.post("/referrals") { request, context in try await create(request, context) }
        group.get("/referrals") { request, context in try await list(request, context) }
        group.get("/referrals/:id") { _, context in try await show(try context.parameters.require("id"), context) }
        group.post("/referrals/:id/cancel") { request, context in try await cancel(try context.parameters.require("id"), request, context) }
        group.get("/referrals/:id/next-matches") { request, context in try await nextMatches(try context.parameters.require("id"), request, context) }
        group.post("/referrals/:id/follow-up") { request, context in try await followUp(try context.parameters.require("id"), request, context) }
    }

    /// `GET /v1/referrals/{id}/next-matches`: the person's stored profile ranked again for the same need.
    func nextMatches(_ id: String, _ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require(AccessControl.referrers, context, to: "find the next match")
        try request.uri.rejectUnknownParameters(["limit"])
        let limit = try request.uri.integer("limit", in: 1...25, default: 5)
        let audit = access.audit(user, context)
        let referral = try await store.referral(id: id, scope: try await access.referralScope(for: user), context: audit)
        try NextMatches.check(referral)
        guard let matching else { throw APIError(.serviceUnavailable, code: "unavailable", "no directory is loaded to rank services") }
        let person = try await store.person(referralID: id, context: audit)
        let next = try NextMatches.rank(referral, profile: person.profile, matching: matching, limit: limit)
        ServerMetrics.matches.increment()
        return try JSONResponse.encode(.ok, next)
    }

    /// `POST /v1/referrals/{id}/follow-up`: the case worker checked in with the person; an optional note.
    func followUp(_ id: String, _ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require(AccessControl.referrers, context, to: "record follow-ups")
        var request = request
        let body = try await request.decodeJSON(FollowUpRequest.self, limit: 16 * 1_024, what: "a follow-up")
        let audit = access.audit(user, context)
        _ = try await store.referral(id: id, scope: try await access.referralScope(for: user), context: audit)
        let referral = try await store.recordFollowUp(referralID: id, note: body.note, context: audit)
        return try JSONResponse.encode(.ok, ReferralView(referral, now: Date(), calendar: store.businessCalendar))
    }

    func create(_ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require(AccessControl.referrers, context, to: "make referrals")
        var request = request
        let key = try request.idempotencyKey()
        let submission = try await request.decodeJSON(ReferralSubmission.self, limit: Self.bodyLimit, what: "a referral")
        var new = try submission.newReferral(by: user, now: Date())
        new.requestKey = key  // a retry with the same key answers with the referral the first attempt made
        let referral = try await store.createReferral(new, context: access.audit(user, context))
        return try JSONResponse.encode(.created, ReferralView(referral, now: Date(), calendar: store.businessCalendar), headers: [.location: "/v1/referrals/\(referral.id)"])
    }

    func list(_ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require(AccessControl.everyone, context, to: "list referrals")
        let page = try ReferralListQuery(request.uri, user: user)
        var filter = page.filter
        filter.scope = try await access.referralScope(for: user)
        filter.limit += 1  // one more than asked tells whether another page follows
        let found = try await store.referrals(filter, context: access.audit(user, context))
        let now = Date()
        let views = Page(contents: found.prefix(page.perPage).map { ReferralView($0, now: now, calendar: store.businessCalendar) },
                         pageNumber: page.page, size: page.perPage, hasMore: found.count > page.perPage)
        return JSONResponse.bytes(.ok, views.jsonBytes)
    }

    func show(_ id: String, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require(AccessControl.everyone, context, to: "read referrals")
        let referral = try await store.referral(id: id, scope: try await access.referralScope(for: user), context: access.audit(user, context))
        let detail = ReferralDetail(view: ReferralView(referral, now: Date(), calendar: store.businessCalendar), delivery: try await store.outboxEntry(referralID: id),
                                    attempts: try await store.deliveryAttempts(referralID: id))
        return try JSONResponse.encode(.ok, detail)
    }

    func cancel(_ id: String, _ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require(AccessControl.referrers, context, to: "cancel referrals")
        var request = request
        let body = try await request.decodeJSON(CancelRequest.self, limit: 16 * 1_024, what: "a cancellation")
        let referral = try await access.cancel(id, reason: body.reason, version: body.version, by: user, context)
        return try JSONResponse.encode(.ok, ReferralView(referral, now: Date(), calendar: store.businessCalendar))
    }
}

/// The list's query: `status`, `agency`, `overdue`, `mine`, `page`, `per_page` (at most 100).
struct ReferralListQuery: Sendable {
    var filter: ReferralFilter
    var page: Int
    var perPage: Int

    init(_ uri: URI, user: UserAccount) throws {
        try uri.rejectUnknownParameters(ReferralController.listParameters)
        page = try uri.integer("page", in: 1...100_000, default: 1)
        perPage = try uri.integer("per_page", in: 1...100, default: 20)
        filter = ReferralFilter(limit: perPage, offset: (page - 1) * perPage)
        if let status = uri.text("status") {
            guard let known = ReferralStatus(rawValue: status) else {
                throw APIError.invalid("status is one of \(ReferralStatus.allCases.map(\.rawValue).joined(separator: ", "))", field: "status")
            }
            filter.status = known
        }
        filter.organizationID = uri.text("agency")
        if try Self.flag(uri, "overdue") { filter.overdueAt = Date() }
        if try Self.flag(uri, "mine") { filter.createdBy = user.id }
        if try Self.flag(uri, "follow_up_due") { filter.followUpDueAt = Date() }
        filter.needsNextStep = try Self.flag(uri, "needs_next_step")
    }

    static func flag(_ uri: URI, _ name: String) throws -> Bool {
        switch uri.text(name) {
        case nil where !uri.has(name): false
        case "false": false
        case "true": true
        default: throw APIError.invalid("\(name) is true or false", field: name)
        }
    }
}
