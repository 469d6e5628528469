import Foundation
import HTTPTypes
public import Hummingbird
import TrellisCore
import TrellisDelivery
public import TrellisStore

/// Where partner agencies answer: `POST /v1/partners/{partner}/status` (Trellis's status update) and
/// the FHIR-style `PUT /fhir/Task/{id}`. Both are signed with Standard Webhooks, or carry the partner's
/// token instead; the work is done by `PartnerAnswers`, this only translates HTTP.
public struct PartnerAnswerController: Sendable {
    let answers: PartnerAnswers
    /// Users for a partner's token, referrals and partners for the answer itself.
    let store: any ReferralRepository & PartnerRepository & UserRepository
    let auditLog: any AuditLog
    /// Bad signatures and tokens are counted here, not written per request.
    let failures: FailedAuthentications

    public init(store: any ReferralRepository & PartnerRepository & UserRepository, auditLog: any AuditLog, failures: FailedAuthentications) {
        answers = PartnerAnswers(store: store)
        self.store = store
        self.auditLog = auditLog
        self.failures = failures
    }

    public func addRoutes(to router: Router<TrellisRequestContext>) {
        router.post("/v1/partners/:partner/status") { request, context in
            let partner = try context.parameters.require("partner")
            if let user = try await tokenHolder(request, context) {
                guard user.role == .partner, user.organizationID == partner else {
                    try await auditLog.append(AuditContext(actor: user.id, sourceAddress: context.sourceAddress, purpose: "security")
                        .entry(.execute, "partner-status", partner, outcome: .denied, detail: "token does not belong to partner \(partner)"))
                    throw APIError.forbidden("this token does not answer for partner \(partner)")
                }
                let key = try request.idempotencyKey()
                return await answer(request, context) { body, _ in
                    try await answers.statusUpdate(partnerID: partner, body: body, messageID: key, sourceAddress: context.sourceAddress)
                }
            }
            return await answer(request, context) { body, headers in
                try await answers.statusUpdate(partnerID: partner, body: body, headers: headers, sourceAddress: context.sourceAddress)
            }
        }
        router.put("/fhir/Task/:id") { request, context in
            let id = try context.parameters.require("id")
            if let user = try await tokenHolder(request, context) {
                // A partner's system that pulls its Tasks answers with the same token. The referral is read
                // within the partner's scope first: another organization's, or a draft, is not found.
                guard user.role == .partner else {
                    try await auditLog.append(AuditContext(actor: user.id, sourceAddress: context.sourceAddress, purpose: "security")
                        .entry(.execute, "partner-status", id, outcome: .denied, detail: "role \(user.role.rawValue) may not answer for an agency"))
                    throw APIError.forbidden("a \(user.role.rawValue) may not answer for an agency")
                }
                let organizations = try await store.partners().first { $0.id == user.organizationID }?.organizations ?? []
                let audit = AuditContext(actor: user.id, sourceAddress: context.sourceAddress, purpose: "coordination")
                _ = try await store.referral(id: id, scope: .addressedTo(organizations: organizations), context: audit)
                let key = try request.idempotencyKey()
                return await answer(request, context) { body, _ in
                    try await answers.taskUpdate(referralID: id, body: body, partnerID: user.organizationID, messageID: key,
                                                 sourceAddress: context.sourceAddress)
                }
            }
            return await answer(request, context) { body, headers in
                try await answers.taskUpdate(referralID: id, body: body, headers: headers, sourceAddress: context.sourceAddress)
            }
        }
    }

    /// The partner token's user, when the request carries `Authorization: Bearer`; nil when it does not
    /// (then it must be signed). Signature headers beside a token would be credentials nobody checks, so a
    /// request carrying both is refused rather than let a valid token excuse a forged signature.
    func tokenHolder(_ request: Request, _ context: TrellisRequestContext) async throws -> UserAccount? {
        guard let bearer = request.headers[.authorization], bearer.lowercased().hasPrefix("bearer ") else { return nil }
        if let header = Self.webhookHeaders.first(where: { request.headers[$0] != nil }) {
            failures.record(.signature, address: context.sourceAddress)
            throw APIError(.unauthorized, code: "bad_signature", "send a partner token or Standard Webhooks signature headers, not both",
                           field: header.rawName)
        }
        let secret = String(bearer.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard let user = try await BearerAuthentication.user(bearing: secret, store: store, failures: failures, kind: .token, context: context),
              user.disabledAt == nil else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""], message: "the token is not valid")
        }
        return user
    }

    static let webhookHeaders = ["webhook-id", "webhook-timestamp", "webhook-signature"].compactMap { HTTPField.Name($0) }

    func answer(_ request: Request, _ context: TrellisRequestContext,
                _ apply: (Data, @escaping (String) -> String?) async throws -> Referral) async -> Response {
        var request = request
        let body: Data
        do { body = Data(buffer: try await request.collectBody(upTo: 256 * 1_024)) } catch {
            return JSONResponse.error(413, code: "too_large", "the body is larger than 256 KB")
        }
        let headers = request.headers
        do {
            let referral = try await apply(body) { name in HTTPField.Name(name).flatMap { headers[$0] } }
            return JSONResponse.make(.ok, ["referral_id": referral.id, "status": referral.status.rawValue, "version": referral.version])
        } catch let error as PartnerAnswerError {
            if case .signature = error { failures.record(.signature, address: context.sourceAddress) }
            context.logger.info("partner answer refused", metadata: ["http.status": "\(error.httpStatus)", "answer.error": "\(error.code)"])
            return JSONResponse.error(error.httpStatus, code: error.code, error.description, field: error.field)
        } catch {
            context.logger.error("partner answer failed", metadata: ["error.type": "\(type(of: error))"])
            return JSONResponse.error(500, code: "internal", "the answer could not be applied; send it again later")
        }
    }
}

extension PartnerAnswerError {
    /// The field at fault, when one is.
    var field: String? {
        switch self {
        case .refused(.transition(_, .reasonRequired)): "reason"
        case .refused(.outcome(_, let outcome)): outcome.field
        case .refused(.invalid(let field, _)): field
        case .signature(.missingHeader(let name)): name
        case .signature(.badTimestamp), .signature(.outsideTolerance): "webhook-timestamp"
        case .signature(.tooManySignatures), .signature(.noMatchingSignature): "webhook-signature"
        default: nil
        }
    }

    /// A stable code for programs (and logs: the message may name a referral, never a person).
    var code: String {
        switch self {
        case .unknownPartner: "not_found"
        case .signature: "bad_signature"
        case .malformed: "invalid"
        case .unavailable: "unavailable"
        case .refused(let error):
            switch error {
            case .referralNotFound: "not_found"
            case .notPartnersReferral: "forbidden"
            case .replayedMessage: "replay"
            case .conflict: "conflict"
            case .transition(_, .reasonRequired): "reason_required"
            case .outcome: "invalid_outcome"
            case .transition(_, .notThisPartysMove): "not_your_move"
            case .transition: "illegal_move"
            default: "refused"
            }
        }
    }
}
