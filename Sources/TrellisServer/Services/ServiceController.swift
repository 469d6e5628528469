import Foundation
public import Hummingbird
import TrellisCore
public import TrellisStore

/// `GET /v1/services` (search the directory, HSDA's `Page` envelope) and `GET /v1/services/{id}`.
/// The directory is public information: any signed-in role may read it, and reading is not audited.
/// `PUT /v1/services/{id}/capacity`: an agency (its users or its partner token) reports its own
/// service's open places and waitlist; matching uses the report at once.
public struct ServiceController: Sendable {
    let matching: MatchingService
    let store: any DirectoryRepository
    let access: AccessControl

    public init(matching: MatchingService, store: any DirectoryRepository & ReferralRepository & PartnerRepository, auditLog: any AuditLog) {
        self.matching = matching
        self.store = store
        access = AccessControl(store: store, auditLog: auditLog)
    }

    public func addRoutes(to group: RouterGroup<TrellisRequestContext>) {
        group.get("/services") { request, _ in try await search(request) }
        group.get("/services/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let service = try await store.service(id: id) else { throw APIError.notFound("no service \(id) in the directory") }
            return try JSONResponse.encode(.ok, service)
        }
        group.put("/services/:id/capacity") { request, context in try await reportCapacity(try context.parameters.require("id"), request, context) }
    }

    func reportCapacity(_ id: String, _ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await access.require([.agency, .partner, .admin], context, to: "report capacity")
        var request = request
        let update = try await request.decodeJSON(CapacityUpdate.self, limit: 4 * 1_024, what: "a capacity report")
        return try JSONResponse.encode(.ok, try await update.apply(to: id, by: user, context, store: store, access: access, matching: matching))
    }

    func search(_ request: Request) async throws -> Response {
        let query = try ServiceQuery(request.uri)
        let found = matching.catalog.search(query)
        var contents: [ServiceHit] = []
        for id in found.ids {
            // A service removed between the search and this read is left out rather than failing the page.
            if let service = try await store.service(id: id) { contents.append(ServiceHit(service: service, distanceKm: found.distances[id])) }
        }
        let page = Page(contents: contents, pageNumber: query.page, size: query.perPage, totalItems: found.total,
                        hasMore: query.page * query.perPage < found.total)
        return try JSONResponse.encode(.ok, page)
    }
}

/// A service as a search lists it, with its distance when the search was `near` a point.
struct ServiceHit: Encodable, Sendable {
    var service: Service
    var distanceKm: Double?

    enum ExtraKeys: String, CodingKey { case distanceKm = "distance_km" }

    func encode(to encoder: any Encoder) throws {
        try service.encode(to: encoder)
        var extra = encoder.container(keyedBy: ExtraKeys.self)
        try extra.encodeIfPresent(distanceKm.map { ($0 * 10).rounded() / 10 }, forKey: .distanceKm)
    }
}
