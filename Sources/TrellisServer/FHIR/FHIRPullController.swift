import Foundation
public import Hummingbird
import TrellisCore
import TrellisDelivery
public import TrellisStore

/// The FHIR pull, Gravity SDOH Clinical Care's "light" recipient: a partner's system holding a partner
/// token reads its Tasks and their ServiceRequests (`GET /fhir/Task`, `/fhir/Task/{id}`,
/// `/fhir/ServiceRequest/{id}`) and answers with `PUT /fhir/Task/{id}` (`PartnerAnswerController`).
/// Only referrals addressed to the partner's organizations that reached it, never a draft; each one
/// read is disclosed exactly as the push would send it (`PulledReferrals`), and audited so.
public struct FHIRPullController: Sendable {
    let pulls: PulledReferrals
    let access: AccessControl
    let store: any ReferralRepository & PartnerRepository

    public init(store: any ReferralRepository & PartnerRepository & DirectoryRepository, auditLog: any AuditLog) {
        self.store = store
        pulls = PulledReferrals(store: store, auditLog: auditLog)
        access = AccessControl(store: store, auditLog: auditLog)
    }

    /// Routes for the `/fhir` group, behind authentication and `FHIROutcomeMiddleware`.
    public func addRoutes(to group: RouterGroup<TrellisRequestContext>) {
        group.get("/Task") { request, context in try await search(request, context) }
        group.get("/Task/:id") { _, context in try await read("Task", try context.parameters.require("id"), context) }
        group.get("/ServiceRequest/:id") { _, context in try await read("ServiceRequest", try context.parameters.require("id"), context) }
    }

    /// The partner behind the token and the referrals it may see.
    func caller(_ context: TrellisRequestContext, to action: String) async throws -> (user: UserAccount, partner: Partner?, scope: ReferralScope) {
        let user = try await access.require([.partner], context, to: action)
        let partner = try await store.partners().first { $0.id == user.organizationID }
        return (user, partner, .addressedTo(organizations: partner?.organizations ?? []))
    }

    func read(_ resourceType: String, _ id: String, _ context: TrellisRequestContext) async throws -> Response {
        let (user, partner, scope) = try await caller(context, to: "read FHIR \(resourceType)s")
        let missing = APIError.notFound("no \(resourceType) \(id) for this partner")
        // An id that cannot be a Task's names nothing; it is not looked up.
        guard FHIRID.isValid(id), let partner else { throw missing }
        let audit = access.audit(user, context)
        let referral: Referral
        do { referral = try await store.referral(id: id, scope: scope, context: audit) } catch StoreError.referralNotFound { throw missing }
        guard let served = try await pulls.serve(referral, to: partner, scope: scope, context: audit) else { throw missing }
        let resource = resourceType == "Task" ? served.task : served.serviceRequest
        return FHIROutcome.resource(try FHIRReferralBundle.json(resource), headers: [.eTag: "W/\"\(referral.version)\""])
    }

    func search(_ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let (user, partner, scope) = try await caller(context, to: "search FHIR Tasks")
        let query = try FHIRTaskSearch(request.uri)
        let audit = access.audit(user, context)
        var page = FHIRSearchPage(offset: query.offset)
        if let partner {
            if let id = query.id {
                try await page.single(id, query: query, pulls: pulls, store: store, partner: partner, scope: scope, context: audit)
            } else {
                try await page.scan(query, pulls: pulls, store: store, partner: partner, scope: scope, context: audit)
            }
        }
        let base = FHIRBase(request)
        let bundle = page.bundle(base: base, query: query, now: Date())
        return FHIROutcome.resource(try FHIRReferralBundle.json(bundle))
    }
}
