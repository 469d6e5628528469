public import Foundation
public import TrellisCore

/// A request to a partner as it goes on the wire: the payload in the partner's format, its
/// Idempotency-Key, Standard Webhooks signatures and the partner's credentials.
public enum PartnerRequest {
    /// Why a partner's settings keep a request from being made. Fixing the settings and sending
    /// again by hand is the way out, so this is a permanent failure, not a retry.
    public struct SettingsProblem: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public static func referral(_ disclosure: ReferralDisclosure, to partner: Partner, idempotencyKey: String, now: Date,
                                environment: [String: String] = ProcessInfo.processInfo.environment) throws -> OutgoingRequest {
        let body: Data
        let contentType: String
        switch partner.format {
        case .fhirR4:
            body = try FHIRReferralBundle.render(disclosure)
            contentType = "application/fhir+json"
        case .json:
            body = try ReferralDocument.render(disclosure)
            contentType = "application/json"
        }
        var headers: [(name: String, value: String)] = [
            ("Content-Type", contentType), ("Accept", "application/json, application/fhir+json"),
            ("Idempotency-Key", idempotencyKey), ("User-Agent", "Trellis/1"),
        ]
        // The message id is the idempotency key, so a partner sees retries as one message.
        headers += StandardWebhooks.headers(id: idempotencyKey, timestamp: now, body: body, secrets: try secrets(of: partner))
        if let token = try bearerToken(of: partner, environment: environment) { headers.append(("Authorization", "Bearer \(token)")) }
        guard let endpoint = partner.endpoint else {
            throw SettingsProblem(description: "partner \(partner.id) takes referrals in the inbox: it has no endpoint to send to")
        }
        return OutgoingRequest(method: .post, url: endpoint, headers: headers, body: body)
    }

    /// An outbound partner message (`consent.revoked`, a case worker's message), signed like a referral;
    /// its queue row's key is both the Idempotency-Key and the webhook id.
    public static func partnerMessage(body: Data, contentType: String, to partner: Partner, idempotencyKey: String, now: Date,
                                      environment: [String: String] = ProcessInfo.processInfo.environment) throws -> OutgoingRequest {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", contentType), ("Accept", "application/json, application/fhir+json"),
            ("Idempotency-Key", idempotencyKey), ("User-Agent", "Trellis/1"),
        ]
        headers += StandardWebhooks.headers(id: idempotencyKey, timestamp: now, body: body, secrets: try secrets(of: partner))
        if let token = try bearerToken(of: partner, environment: environment) { headers.append(("Authorization", "Bearer \(token)")) }
        guard partner.delivery == .endpoint, let endpoint = partner.endpoint else {
            throw SettingsProblem(description: "partner \(partner.id) takes referrals in the inbox: it has no endpoint to send to")
        }
        return OutgoingRequest(method: .post, url: endpoint, headers: headers, body: body)
    }

    public static func secrets(of partner: Partner) throws(SettingsProblem) -> [WebhookSecret] {
        var secrets: [WebhookSecret] = []
        for (index, text) in partner.signingSecrets.enumerated() {
            do { secrets.append(try WebhookSecret(text)) } catch {
                throw SettingsProblem(description: "partner \(partner.id): signing secret \(index + 1): \(error)")
            }
        }
        return secrets
    }

    static func bearerToken(of partner: Partner, environment: [String: String]) throws(SettingsProblem) -> String? {
        if let name = partner.auth.bearerEnvironment {
            guard let token = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
                throw SettingsProblem(description: "partner \(partner.id): the bearer token variable \(name) is not set")
            }
            return token
        }
        if let file = partner.auth.bearerFile {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw SettingsProblem(description: "partner \(partner.id): the bearer token file \(file) cannot be read")
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return nil
    }

    public static func transport(for partner: Partner, base: TransportSettings) -> TransportSettings {
        var settings = base
        settings.caBundle = partner.caBundle ?? base.caBundle
        settings.clientCertificate = partner.auth.clientCertificate
        settings.clientKey = partner.auth.clientKey
        return settings
    }
}
