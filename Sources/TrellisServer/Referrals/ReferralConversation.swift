import Foundation
import Hummingbird
import TrellisCore
import TrellisStore

/// The person's consent and the messages on a referral, one way for the API and the pages alike.
/// Consent is revoked by the referring side (its case workers and supervisors) or an administrator;
/// messages are read and written by the referring side, the receiving agency's users and
/// administrators. Anyone else is told the referral does not exist (audited), as on every referral route.
struct ReferralConversation: Sendable {
    let store: any ReferralRepository & PartnerRepository & ReferralMessageRepository
    let access: AccessControl

    init(store: any ReferralRepository & PartnerRepository & ReferralMessageRepository, auditLog: any AuditLog) {
        self.store = store
        access = AccessControl(store: store, auditLog: auditLog)
    }

    /// Revokes the referral's consent: nothing more leaves under it, what was not delivered is
    /// cancelled and a partner holding it at its endpoint is told. The revocation and the consent after it.
    func revoke(_ id: String, by user: UserAccount, _ context: TrellisRequestContext) async throws -> (ConsentRevocation, StoredConsent) {
        try await requireSide(id, user, context, roles: AccessControl.referrers, to: "revoke consent")
        let audit = access.audit(user, context)
        let revocation: ConsentRevocation
        do { revocation = try await store.revokeConsent(referralID: id, context: audit) } catch let error as StoreError { throw APIError(error) }
        return (revocation, try await store.consent(referralID: id, context: audit))
    }

    /// The messages, oldest first, with the referral they belong to.
    func thread(_ id: String, by user: UserAccount, _ context: TrellisRequestContext) async throws -> (Referral, [ReferralMessage]) {
        let referral = try await requireSide(id, user, context, roles: Self.writers, to: "read messages")
        return (referral, try await store.messages(referralID: id, context: access.audit(user, context, purpose: "coordination")))
    }

    /// Stores a message from the user's side: the agency's users write as the agency, everyone else as the referrer.
    func post(_ id: String, text: String, containsPersonalInformation: Bool, by user: UserAccount,
              _ context: TrellisRequestContext) async throws -> ReferralMessage {
        _ = try await requireSide(id, user, context, roles: Self.writers, to: "write messages")
        let cleaned: String
        do { cleaned = try MessageText.clean(text) } catch {
            throw APIError(.unprocessableContent, code: error == .empty ? "empty" : "too_long", error.description, field: "text")
        }
        let request = NewReferralMessage(referralID: id, fromParty: user.role == .agency ? .agency : .referrer, text: cleaned,
                                         containsPersonalInformation: containsPersonalInformation)
        do {
            return try await store.postMessage(request, context: access.audit(user, context, purpose: "coordination"))
        } catch let error as StoreError { throw APIError(error) }
    }

    static let writers: Set<UserAccount.Role> = [.caseworker, .supervisor, .agency, .admin]

    /// The referral, when the user's role is one of `roles` and the referral is within their scope;
    /// otherwise "not found", audited as a refused read (the role's refusal with it).
    @discardableResult
    func requireSide(_ id: String, _ user: UserAccount, _ context: TrellisRequestContext, roles: Set<UserAccount.Role>,
                     to action: String) async throws -> Referral {
        guard roles.contains(user.role) else {
            try await access.auditLog.append(access.audit(user, context, purpose: "security").entry(
                .read, "referral", id, outcome: .denied, detail: "refused: a \(user.role.rawValue) may not \(action)"))
            throw APIError.notFound("no referral \(id)")
        }
        do {
            return try await store.referral(id: id, scope: try await access.referralScope(for: user), context: access.audit(user, context))
        } catch StoreError.referralNotFound { throw APIError.notFound("no referral \(id)") }
    }
}

/// `POST /v1/referrals/{id}/messages`: the text and whether it carries the person's information.
struct MessageSubmission: Decodable, Sendable {
    var text: String
    var containsPersonalInformation: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case text
        case containsPersonalInformation = "contains_personal_information"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        text = try c.decode(String.self, forKey: .text)
        containsPersonalInformation = try c.decodeIfPresentRefusingNull(Bool.self, forKey: .containsPersonalInformation) ?? false
    }
}
