public import Hummingbird
import TrellisCore
import TrellisStore

/// A refusal the API answers with its JSON envelope: a status, a stable code for programs, a message
/// for people and, when one is at fault, the field. `ErrorEnvelopeMiddleware` renders it for the API,
/// `ErrorPageMiddleware` as a page for the web pages; as an `HTTPResponseError` it renders itself the
/// same way should it ever reach Hummingbird past both.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var field: String?

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    static func invalid(_ message: String, field: String? = nil) -> APIError { APIError(.badRequest, code: "invalid", message, field: field) }
    static func forbidden(_ message: String) -> APIError { APIError(.forbidden, code: "forbidden", message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, code: "not_found", message) }

    /// The database cannot be reached: try again shortly (the JSON answer carries Retry-After).
    static let databaseUnavailable = APIError(.serviceUnavailable, code: "unavailable",
                                              "the database cannot be reached just now; try again shortly")

    public func response(from request: Request, context: some RequestContext) throws -> Response { response }

    var response: Response {
        var response = JSONResponse.error(Int(status.code), code: code, message, field: field)
        if status == .serviceUnavailable { response.headers[.retryAfter] = "5" }
        return response
    }
}

extension APIError {
    /// What the store refused, as the API says it. Messages name ids, never a person's data.
    init(_ error: StoreError) {
        switch error {
        case .referralNotFound(let id): self = .notFound("no referral \(id)")
        case .serviceNotFound(let id): self.init(.unprocessableContent, code: "unknown_service", "no service \(id) in the directory", field: "service_id")
        case .userNotFound(let id): self = .notFound("no user \(id)")
        case .transition(_, .reasonRequired): self.init(.unprocessableContent, code: "reason_required", error.description, field: "reason")
        case .transition: self.init(.unprocessableContent, code: "illegal_move", error.description)  // as partners' answers say it
        case .conflict: self.init(.conflict, code: "conflict", error.description, field: "version")
        case .consentRecipientMismatch: self.init(.unprocessableContent, code: "consent_mismatch", error.description, field: "consent.recipient")
        case .consentNotInForce: self.init(.unprocessableContent, code: "consent_not_in_force", error.description, field: "consent")
        case .consentAlreadyRevoked: self.init(.conflict, code: "already_revoked", error.description)
        case .invalid(let field, let reason): self.init(.badRequest, code: "invalid", "\(field): \(reason)", field: field)
        case .notPartnersReferral: self = .notFound(error.description)
        case .replayedMessage: self.init(.conflict, code: "replay", error.description)
        case .noRecipient: self.init(.unprocessableContent, code: "no_recipient", error.description)
        case .undecryptable: self.init(.internalServerError, code: "internal", "stored data could not be opened; an administrator has been told")
        case .massWithdrawal: self.init(.unprocessableContent, code: "mass_withdrawal", error.description, field: "allow_mass_withdrawal")
        case .messageRefused(let field, _): self.init(.unprocessableContent, code: "message_refused", error.description, field: field)
        case .serviceWithdrawn: self.init(.unprocessableContent, code: "service_withdrawn", error.description, field: "service_id")
        case .outcome(_, let outcome): self.init(.unprocessableContent, code: "invalid_outcome", error.description, field: outcome.field)
        case .previousReferral: self.init(.unprocessableContent, code: "invalid_previous_referral", error.description, field: "previous_referral_id")
        case .followUp: self.init(.conflict, code: "no_follow_up_due", error.description)
        }
    }
}
