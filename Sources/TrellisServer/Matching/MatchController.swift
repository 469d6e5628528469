import Foundation
public import Hummingbird
import TrellisCore
import TrellisMatching
public import TrellisStore

/// `POST /v1/matches`: a needs profile in, ranked matches out, exactly as `trellis match --json` prints
/// them. The profile is not stored; ranking it is audited with the person's pseudonymous reference.
public struct MatchController: Sendable {
    static let bodyLimit = 64 * 1_024
    let matching: MatchingService
    /// Where a ranking is audited; matching reads no stored data.
    let auditLog: any AuditLog

    public init(matching: MatchingService, auditLog: any AuditLog) {
        self.matching = matching
        self.auditLog = auditLog
    }

    /// Routes for a group behind `BearerAuthentication`.
    public func addRoutes(to group: RouterGroup<TrellisRequestContext>) {
        group.post("/matches") { request, context in try await self.match(request, context) }
    }

    func match(_ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        guard let user = context.user else { throw HTTPError(.unauthorized) }
        try request.uri.rejectUnknownParameters(["limit"])
        let limit = try request.uri.integer("limit", in: 1...50, default: Matcher.defaultLimit)
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: Self.bodyLimit) } catch {
            return JSONResponse.error(413, code: "too_large", "a needs profile is at most 64 KB")
        }
        let profile: NeedsProfile
        do { profile = try JSONDecoder().decode(NeedsProfile.self, from: Data(buffer: body)) } catch let error as DecodingError {
            let (field, reason) = error.fieldAndReason
            return JSONResponse.error(400, code: "invalid", field.isEmpty ? reason : "\(field): \(reason)", field: field.isEmpty ? nil : field)
        } catch {
            return JSONResponse.error(400, code: "invalid", "the body must be a needs profile (JSON)")
        }
        let outcome: MatchOutcome
        do { outcome = try matching.matcher.match(profile.forMatching, in: matching.index, limit: limit) } catch {
            return JSONResponse.error(400, code: "invalid", error.description, field: error.field)
        }
        ServerMetrics.matches.increment()
        let audit = AuditContext(actor: user.id, sourceAddress: context.sourceAddress, purpose: "treatment")
        try await auditLog.append(audit.entry(.execute, "match", profile.person.ref,
                                                 detail: "\(profile.needs.count) needs ranked by \(user.organizationID)"))
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: outcome.jsonBytes)))
    }
}
