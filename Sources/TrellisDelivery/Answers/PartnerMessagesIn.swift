public import Foundation
public import TrellisCore
public import TrellisStore

/// A message from a partner's system on a referral it received, as read from its body.
public struct InboundMessage: Hashable, Sendable {
    public var referralID: String
    public var text: String
    public var containsPersonalInformation: Bool

    /// `{"type": "message", "referral_id": "...", "text": "...", "contains_personal_information": false}` (`type` optional).
    public static func json(_ body: Data) throws(PartnerAnswerError) -> InboundMessage {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw .malformed("the body must be a JSON object")
        }
        let known: Set<String> = ["type", "referral_id", "text", "contains_personal_information"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) { throw .malformed("\(unknown): unknown field") }
        if let type = object["type"], type as? String != "message" { throw .malformed("type: only \"message\" is taken here") }
        guard let id = object["referral_id"] as? String, !id.isEmpty else { throw .malformed("referral_id is required") }
        guard let text = object["text"] as? String else { throw .malformed("text is required") }
        let flag = object["contains_personal_information"]
        guard flag == nil || flag is Bool else {
            throw .malformed("contains_personal_information must be true or false")
        }
        return InboundMessage(referralID: id, text: text, containsPersonalInformation: flag as? Bool ?? false)
    }

    /// A FHIR R4 Communication: the referral named by `basedOn`/`partOf` (`Task/{id}`, `ServiceRequest/{id}`,
    /// or the referral's identifier), the text in `payload[0].contentString`, and whether it carries the
    /// person's information in the extension `urn:trellis:contains-personal-information`.
    public static func fhirCommunication(_ body: Data) throws(PartnerAnswerError) -> InboundMessage {
        guard let resource = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw .malformed("the body must be a FHIR Communication (a JSON object)")
        }
        guard resource["resourceType"] as? String == "Communication" else { throw .malformed("resourceType must be Communication") }
        var named: Set<String> = []
        for field in ["basedOn", "partOf"] {
            for reference in resource[field] as? [[String: Any]] ?? [] {
                if let text = reference["reference"] as? String {
                    for prefix in ["Task/", "ServiceRequest/"] where text.hasPrefix(prefix) { named.insert(String(text.dropFirst(prefix.count))) }
                }
                if let identifier = reference["identifier"] as? [String: Any], identifier["system"] as? String == "urn:trellis:referral",
                   let value = identifier["value"] as? String {
                    named.insert(value)
                }
            }
        }
        guard let referralID = named.first else {
            throw .malformed("Communication.basedOn or partOf must name the referral (Task/{id}, ServiceRequest/{id} or its urn:trellis:referral identifier)")
        }
        guard named.count == 1 else { throw .malformed("Communication names more than one referral") }
        guard let payload = resource["payload"] as? [[String: Any]], let text = payload.first?["contentString"] as? String else {
            throw .malformed("Communication.payload[0].contentString is required")
        }
        let flag = (resource["extension"] as? [[String: Any]] ?? [])
            .first { $0["url"] as? String == PartnerMessagePayload.personalInformationExtension }?["valueBoolean"] as? Bool
        return InboundMessage(referralID: referralID, text: text, containsPersonalInformation: flag ?? false)
    }
}

/// Stores partners' messages: the signature checked (Standard Webhooks, as for status updates), a
/// message id seen before refused, and only on a referral sent to the partner's organizations (any
/// other is "not found"). The HTTP routes only translate.
public struct PartnerMessagesIn: Sendable {
    let store: any ReferralRepository & PartnerRepository & ReferralMessageRepository

    public init(store: any ReferralRepository & PartnerRepository & ReferralMessageRepository) { self.store = store }

    /// `POST /v1/partners/{partner}/messages`.
    public func json(partnerID: String, body: Data, headers: (String) -> String?, sourceAddress: String?,
                     now: Date = Date()) async throws(PartnerAnswerError) -> ReferralMessage {
        let partners: [Partner]
        do { partners = try await store.partners() } catch { throw .unavailable("\(error)") }
        guard let partner = partners.first(where: { $0.id == partnerID }) else { throw .unknownPartner(partnerID) }
        let messageID = try PartnerAnswers.verify(partner, body: body, headers: headers, now: now)
        return try await store(try InboundMessage.json(body), from: partner, messageID: messageID, sourceAddress: sourceAddress, now: now)
    }

    /// `POST /v1/partners/{partner}/messages` from a partner's system holding a partner token (its identity
    /// already checked by the caller) instead of a signature; `messageID` (its Idempotency-Key) makes a
    /// retried message count once.
    public func json(partnerID: String, body: Data, messageID: String?, sourceAddress: String?,
                     now: Date = Date()) async throws(PartnerAnswerError) -> ReferralMessage {
        let partners: [Partner]
        do { partners = try await store.partners() } catch { throw .unavailable("\(error)") }
        guard let partner = partners.first(where: { $0.id == partnerID }) else { throw .unknownPartner(partnerID) }
        return try await store(try InboundMessage.json(body), from: partner, messageID: messageID.map { "key:" + $0 } ?? "token:\(UUID().uuidString)",
                               sourceAddress: sourceAddress, now: now)
    }

    /// `POST /fhir/Communication`: the partner is the one the named referral was sent to; its secrets must have signed.
    public func fhir(body: Data, headers: (String) -> String?, sourceAddress: String?, now: Date = Date()) async throws(PartnerAnswerError) -> ReferralMessage {
        let message = try InboundMessage.fhirCommunication(body)
        let recipient: String?
        do { recipient = try await store.recipientOrganization(referralID: message.referralID) } catch { throw .unavailable("\(error)") }
        guard let organization = recipient else { throw .refused(.referralNotFound(message.referralID)) }
        let found: Partner?
        do { found = try await store.partner(answeringFor: organization) } catch { throw .unavailable("\(error)") }
        // A referral to an organization without an API partner is not one a signature can speak for.
        guard let partner = found, partner.delivery == .endpoint else { throw .refused(.referralNotFound(message.referralID)) }
        let messageID = try PartnerAnswers.verify(partner, body: body, headers: headers, now: now)
        return try await store(message, from: partner, messageID: messageID, sourceAddress: sourceAddress, now: now)
    }

    func store(_ message: InboundMessage, from partner: Partner, messageID: String, sourceAddress: String?,
               now: Date) async throws(PartnerAnswerError) -> ReferralMessage {
        let context = AuditContext(actor: "partner:\(partner.id)", sourceAddress: sourceAddress, purpose: "coordination", now: now)
        let request = NewReferralMessage(referralID: message.referralID, fromParty: .agency, text: message.text,
                                         containsPersonalInformation: message.containsPersonalInformation,
                                         partnerMessage: .init(partnerID: partner.id, organizations: partner.organizations, messageID: messageID))
        do {
            return try await store.postMessage(request, context: context)
        } catch StoreError.notPartnersReferral(_, let referral) {
            // Another organization's referral is not found, as on every partner route that reads one.
            throw .refused(.referralNotFound(referral))
        } catch let error as StoreError {
            throw .refused(error)
        } catch {
            throw .unavailable("\(error)")
        }
    }
}
