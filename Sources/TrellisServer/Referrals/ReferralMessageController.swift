import Foundation
import HTTPTypes
public import Hummingbird
import TrellisCore
public import TrellisStore

/// `/v1/referrals/{id}/consent/revoke` and `/v1/referrals/{id}/messages`: the person's consent and the
/// messages between the case worker and the agency (`ReferralConversation` holds the rules).
public struct ReferralMessageController: Sendable {
    /// A message is at most 4,000 characters; a body far beyond that is refused before it is read.
    static let bodyLimit = 32 * 1_024
    let conversation: ReferralConversation

    public init(store: any ReferralRepository & PartnerRepository & ReferralMessageRepository, auditLog: any AuditLog) {
        conversation = ReferralConversation(store: store, auditLog: auditLog)
    }

    public func addRoutes(to group: RouterGroup<TrellisRequestContext>) {
        group.post("/referrals/:id/consent/revoke") { _, context in try await revoke(try context.parameters.require("id"), context) }
        group.get("/referrals/:id/messages") { _, context in try await list(try context.parameters.require("id"), context) }
        group.post("/referrals/:id/messages") { request, context in try await post(try context.parameters.require("id"), request, context) }
    }

    func revoke(_ id: String, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await conversation.access.require(AccessControl.everyone, context, to: "revoke consent")
        let (revocation, consent) = try await conversation.revoke(id, by: user, context)
        return try JSONResponse.encode(.ok, RevocationView(revocation: revocation, consent: consent))
    }

    func list(_ id: String, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await conversation.access.require(AccessControl.everyone, context, to: "read messages")
        let (_, messages) = try await conversation.thread(id, by: user, context)
        return try JSONResponse.encode(.ok, ["messages": messages])
    }

    func post(_ id: String, _ request: Request, _ context: TrellisRequestContext) async throws -> Response {
        let user = try await conversation.access.require(AccessControl.everyone, context, to: "write messages")
        // Who may write is settled before the body is read: another organization's referral is "not found", whatever the body.
        _ = try await conversation.requireSide(id, user, context, roles: ReferralConversation.writers, to: "write messages")
        var request = request
        let body = try await request.decodeJSON(MessageSubmission.self, limit: Self.bodyLimit, what: "a message")
        let message = try await conversation.post(id, text: body.text, containsPersonalInformation: body.containsPersonalInformation,
                                                  by: user, context)
        return try JSONResponse.encode(.created, message, headers: [.location: "/v1/referrals/\(id)/messages"])
    }
}

/// The answer to a revocation: what it did, and the consent as it now stands.
struct RevocationView: Encodable {
    var revocation: ConsentRevocation
    var consent: StoredConsent

    enum CodingKeys: String, CodingKey { case consent }

    func encode(to encoder: any Encoder) throws {
        try revocation.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(consent.consent, forKey: .consent)
    }
}
