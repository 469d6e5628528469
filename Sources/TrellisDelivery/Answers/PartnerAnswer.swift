public import Foundation
public import TrellisCore
public import TrellisStore

/// A status update from a partner agency: what it says, as read from its body.
public struct StatusUpdate: Hashable, Sendable {
    public var referralID: String
    public var status: ReferralStatus
    public var reason: String?
    /// How it ended or why it was turned down (checked against the status by the store).
    public var outcome: ReferralOutcome?
    public var businessStatus: ReferralBusinessStatus?

    public init(referralID: String, status: ReferralStatus, reason: String? = nil, outcome: ReferralOutcome? = nil,
                businessStatus: ReferralBusinessStatus? = nil) {
        self.outcome = outcome
        self.businessStatus = businessStatus
        self.referralID = referralID
        self.status = status
        self.reason = reason
    }

    /// `{"referral_id": "...", "status": "accepted", "reason": "...", "outcome": {"code": "...", "text": "..."},
    /// "business_status": "contact_attempted"}` (Trellis's status update).
    public static func json(_ body: Data) throws(PartnerAnswerError) -> StatusUpdate {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw .malformed("the body must be a JSON object")
        }
        let known: Set<String> = ["referral_id", "status", "reason", "outcome", "business_status"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) { throw .malformed("\(unknown): unknown field") }
        guard let id = object["referral_id"] as? String, !id.isEmpty else { throw .malformed("referral_id is required") }
        guard let text = object["status"] as? String else { throw .malformed("status is required") }
        guard let status = ReferralStatus(rawValue: text) else { throw .malformed("status: \(text) is not a FHIR Task status") }
        if object["reason"] != nil && !(object["reason"] is String) { throw .malformed("reason must be text") }
        return StatusUpdate(referralID: id, status: status, reason: object["reason"] as? String, outcome: try outcome(object["outcome"]),
                            businessStatus: try businessStatus(object["business_status"]))
    }

    /// `outcome`: `{"code": "...", "text": "..."}`; a code off the list is refused by name.
    static func outcome(_ value: Any?) throws(PartnerAnswerError) -> ReferralOutcome? {
        guard let value, !(value is NSNull) else { return nil }
        guard let object = value as? [String: Any] else { throw .malformed("outcome must be an object with code and text") }
        if let unknown = object.keys.sorted().first(where: { $0 != "code" && $0 != "text" }) { throw .malformed("outcome.\(unknown): unknown field") }
        guard let raw = object["code"] as? String else { throw .malformed("outcome.code is required (one of \(AgencyAnswerReason.words.joined(separator: ", ")))") }
        guard let code = AgencyAnswerReason(rawValue: raw) else { throw .malformed(ReferralOutcomeError.unknownCode(raw).description) }
        if object["text"] != nil && !(object["text"] is String) && !(object["text"] is NSNull) { throw .malformed("outcome.text must be text") }
        return ReferralOutcome(code: code, text: object["text"] as? String)
    }

    static func businessStatus(_ value: Any?) throws(PartnerAnswerError) -> ReferralBusinessStatus? {
        guard let value, !(value is NSNull) else { return nil }
        guard let raw = value as? String, let known = ReferralBusinessStatus(rawValue: raw) else {
            throw .malformed("business_status: expected one of \(ReferralBusinessStatus.words.joined(separator: ", "))")
        }
        return known
    }

    /// A FHIR R4 Task (`PUT /fhir/Task/{id}`, or a polled Task): its status and `statusReason.text`.
    public static func fhirTask(_ body: Data, referralID: String) throws(PartnerAnswerError) -> StatusUpdate {
        guard let task = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw .malformed("the body must be a FHIR Task (a JSON object)")
        }
        guard task["resourceType"] as? String == "Task" else { throw .malformed("resourceType must be Task") }
        if let identifiers = task["identifier"] as? [[String: Any]],
           let named = identifiers.first(where: { $0["system"] as? String == "urn:trellis:referral" })?["value"] as? String, named != referralID {
            throw .malformed("the Task's identifier \(named) is not referral \(referralID)")
        }
        guard let text = task["status"] as? String else { throw .malformed("Task.status is required") }
        guard let status = ReferralStatus(rawValue: text) else { throw .malformed("Task.status: \(text) is not a Task status") }
        let reason = (task["statusReason"] as? [String: Any])?["text"] as? String
        let read = try FHIRTaskOutcome.read(task)
        // A coded outcome's text is its own; the reason stays statusReason.text.
        return StatusUpdate(referralID: referralID, status: status, reason: reason, outcome: read.outcome, businessStatus: read.businessStatus)
    }
}

/// Why a partner's answer was refused, with the HTTP status that says so.
public enum PartnerAnswerError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownPartner(String)
    case signature(WebhookSignatureError)
    case malformed(String)
    case refused(StoreError)
    /// The store could not be reached: the partner should send again later.
    case unavailable(String)

    public var httpStatus: Int {
        switch self {
        case .unavailable: 503
        case .unknownPartner: 404
        case .signature: 401
        case .malformed: 400
        case .refused(let error):
            switch error {
            case .referralNotFound: 404
            case .notPartnersReferral: 403
            case .replayedMessage, .conflict: 409
            default: 422
            }
        }
    }

    public var description: String {
        switch self {
        case .unknownPartner(let id): "no partner \(id)"
        case .signature(let error): "signature: \(error)"
        case .malformed(let why): why
        case .refused(let error): error.description
        case .unavailable(let why): "try again later: \(why)"
        }
    }
}

/// Applies partners' answers: checks the signature (Standard Webhooks, five minutes' tolerance,
/// constant-time comparison), refuses a message id seen before, and moves the referral through the
/// lifecycle rules as the agency, audited. The HTTP routes only translate.
public struct PartnerAnswers: Sendable {
    /// The referral moved and the partner whose secrets signed the answer.
    let store: any ReferralRepository & PartnerRepository

    public init(store: any ReferralRepository & PartnerRepository) { self.store = store }

    /// `POST /v1/partners/{partner}/status`.
    public func statusUpdate(partnerID: String, body: Data, headers: (String) -> String?, sourceAddress: String?,
                             now: Date = Date()) async throws(PartnerAnswerError) -> Referral {
        let partners: [Partner]
        do { partners = try await store.partners() } catch { throw .unavailable("\(error)") }
        guard let partner = partners.first(where: { $0.id == partnerID }) else { throw .unknownPartner(partnerID) }
        let messageID = try Self.verify(partner, body: body, headers: headers, now: now)
        return try await apply(try StatusUpdate.json(body), from: partner, messageID: messageID, source: .callback,
                               sourceAddress: sourceAddress, now: now)
    }

    /// `POST /v1/partners/{partner}/status` from a partner's system holding a partner token (its
    /// identity already checked by the caller) instead of a signature. `messageID` (its
    /// Idempotency-Key) makes a retried answer count once.
    public func statusUpdate(partnerID: String, body: Data, messageID: String?, sourceAddress: String?,
                             now: Date = Date()) async throws(PartnerAnswerError) -> Referral {
        let partners: [Partner]
        do { partners = try await store.partners() } catch { throw .unavailable("\(error)") }
        guard let partner = partners.first(where: { $0.id == partnerID }) else { throw .unknownPartner(partnerID) }
        return try await apply(try StatusUpdate.json(body), from: partner, messageID: messageID.map { "key:" + $0 } ?? "token:\(UUID().uuidString)",
                               source: .callback, sourceAddress: sourceAddress, now: now)
    }

    /// `PUT /fhir/Task/{id}`: the partner is the one the referral was sent to; its secrets must have signed.
    public func taskUpdate(referralID: String, body: Data, headers: (String) -> String?, sourceAddress: String?,
                           now: Date = Date()) async throws(PartnerAnswerError) -> Referral {
        // Whose secrets must have signed, read without a write: an unsigned PUT costs no transaction.
        let recipient: String?
        do { recipient = try await store.recipientOrganization(referralID: referralID) } catch { throw .unavailable("\(error)") }
        guard let organization = recipient else { throw .refused(.referralNotFound(referralID)) }
        let found: Partner?
        do { found = try await store.partner(answeringFor: organization) } catch { throw .unavailable("\(error)") }
        guard let partner = found else { throw .unknownPartner("for \(organization)") }
        let messageID = try Self.verify(partner, body: body, headers: headers, now: now)
        return try await apply(try StatusUpdate.fhirTask(body, referralID: referralID), from: partner, messageID: messageID,
                               source: .callback, sourceAddress: sourceAddress, now: now)
    }

    /// `PUT /fhir/Task/{id}` from a partner's system holding a partner token (its identity, and that the
    /// referral is within its scope, already checked by the caller) instead of a signature.
    /// `messageID` (its Idempotency-Key) makes a retried answer count once.
    public func taskUpdate(referralID: String, body: Data, partnerID: String, messageID: String?, sourceAddress: String?,
                           now: Date = Date()) async throws(PartnerAnswerError) -> Referral {
        let partners: [Partner]
        do { partners = try await store.partners() } catch { throw .unavailable("\(error)") }
        guard let partner = partners.first(where: { $0.id == partnerID }) else { throw .unknownPartner(partnerID) }
        return try await apply(try StatusUpdate.fhirTask(body, referralID: referralID), from: partner,
                               messageID: messageID.map { "key:" + $0 } ?? "token:\(UUID().uuidString)",
                               source: .callback, sourceAddress: sourceAddress, now: now)
    }

    static func verify(_ partner: Partner, body: Data, headers: (String) -> String?, now: Date) throws(PartnerAnswerError) -> String {
        let secrets: [WebhookSecret]
        do { secrets = try PartnerRequest.secrets(of: partner) } catch { throw .malformed("\(error)") }
        guard !secrets.isEmpty else { throw .signature(.badSecret("partner \(partner.id) has no signing secret: answers cannot be verified")) }
        do { return try StandardWebhooks.verify(headers: headers, body: body, secrets: secrets, now: now) } catch { throw .signature(error) }
    }

    /// Moves the referral as the agency. Polls pass no message id: their answers are not messages.
    public func apply(_ update: StatusUpdate, from partner: Partner, messageID: String?, source: ReferralStatusChange.Source,
                      sourceAddress: String?, now: Date = Date()) async throws(PartnerAnswerError) -> Referral {
        let context = AuditContext(actor: "partner:\(partner.id)", sourceAddress: sourceAddress, purpose: "coordination", now: now)
        let message = StatusChangeRequest.PartnerMessage(partnerID: partner.id, organizations: partner.organizations,
                                                         messageID: messageID ?? "poll:\(UUID().uuidString)")
        do {
            return try await store.changeStatus(StatusChangeRequest(referralID: update.referralID, status: update.status, party: .agency,
                                                                    reason: update.reason, source: source, partnerMessage: message,
                                                                    outcome: update.outcome, businessStatus: update.businessStatus),
                                                context: context)
        } catch let error as StoreError {
            throw .refused(error)
        } catch {
            throw .unavailable("\(error)")
        }
    }
}
