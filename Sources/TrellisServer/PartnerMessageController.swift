import Foundation
import HTTPTypes
public import Hummingbird
import TrellisCore
import TrellisDelivery
public import TrellisStore

/// Where partners' systems write messages on referrals they received: `POST /v1/partners/{partner}/messages`
/// (Trellis's JSON; signed with Standard Webhooks, or carrying the partner's token and an
/// Idempotency-Key, as status updates do) and `POST /fhir/Communication` (FHIR R4, signed); a message id
/// seen before is refused as a replay. The work is done by `PartnerMessagesIn`, this only translates HTTP.
public struct PartnerMessageController: Sendable {
    let messages: PartnerMessagesIn
    /// Bad signatures are counted here, not written per request.
    let failures: FailedAuthentications

    /// A partner token instead of a signature is checked as for status updates.
    let answers: PartnerAnswerController

    public init(store: any ReferralRepository & PartnerRepository & ReferralMessageRepository & UserRepository, auditLog: any AuditLog,
                failures: FailedAuthentications) {
        messages = PartnerMessagesIn(store: store)
        answers = PartnerAnswerController(store: store, auditLog: auditLog, failures: failures)
        self.failures = failures
    }

    public func addRoutes(to router: Router<TrellisRequestContext>) {
        router.post("/v1/partners/:partner/messages") { request, context in
            let partner = try context.parameters.require("partner")
            if let user = try await answers.tokenHolder(request, context) {
                guard user.role == .partner, user.organizationID == partner else {
                    try await answers.auditLog.append(AuditContext(actor: user.id, sourceAddress: context.sourceAddress, purpose: "security")
                        .entry(.execute, "partner-message", partner, outcome: .denied, detail: "token does not belong to partner \(partner)"))
                    throw APIError.forbidden("this token does not write for partner \(partner)")
                }
                let key = try request.idempotencyKey()
                return await receive(request, context) { body, _ in
                    try await messages.json(partnerID: partner, body: body, messageID: key, sourceAddress: context.sourceAddress)
                }
            }
            return await receive(request, context) { body, headers in
                try await messages.json(partnerID: partner, body: body, headers: headers, sourceAddress: context.sourceAddress)
            }
        }
        router.post("/fhir/Communication") { request, context in
            await receive(request, context) { body, headers in
                try await messages.fhir(body: body, headers: headers, sourceAddress: context.sourceAddress)
            }
        }
    }

    func receive(_ request: Request, _ context: TrellisRequestContext,
                 _ apply: (Data, @escaping (String) -> String?) async throws -> ReferralMessage) async -> Response {
        var request = request
        let body: Data
        do { body = Data(buffer: try await request.collectBody(upTo: ReferralMessageController.bodyLimit)) } catch {
            return JSONResponse.error(413, code: "too_large", "a message is at most \(ReferralMessageController.bodyLimit / 1_024) KB", field: "text")
        }
        let headers = request.headers
        do {
            let message = try await apply(body) { name in HTTPField.Name(name).flatMap { headers[$0] } }
            return (try? JSONResponse.encode(.created, message)) ?? JSONResponse.error(500, code: "internal", "the message could not be encoded")
        } catch let error as PartnerAnswerError {
            if case .signature = error { failures.record(.signature, address: context.sourceAddress) }
            context.logger.info("partner message refused", metadata: ["http.status": "\(error.httpStatus)", "answer.error": "\(error.code)"])
            let field: String? = if case .refused(.messageRefused(let field, _)) = error { field } else { error.field }
            return JSONResponse.error(error.httpStatus, code: error.code == "refused" ? "message_refused" : error.code, error.description, field: field)
        } catch {
            context.logger.error("partner message failed", metadata: ["error.type": "\(type(of: error))"])
            return JSONResponse.error(500, code: "internal", "the message could not be stored; send it again later")
        }
    }
}
