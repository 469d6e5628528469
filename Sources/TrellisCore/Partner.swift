public import Foundation

/// A partner agency's endpoint: where referrals for its organizations go, in what form, how Trellis
/// authenticates and signs, and how soon it is expected to answer.
public struct Partner: Codable, Hashable, Sendable, Identifiable {
    public enum PayloadFormat: String, Vocabulary, Hashable, Sendable {
        public static let vocabularyName = "payload format"

        case fhirR4 = "fhir-r4"
        case json
    }

    public enum StatusMode: String, Vocabulary, Hashable, Sendable {
        public static let vocabularyName = "status mode"

        /// The partner posts status updates back.
        case callback
        /// Trellis polls the partner's Task.
        case poll
    }

    /// How referrals reach the partner: pushed to its endpoint, or kept in Trellis's inbox pages for an
    /// agency with no system of its own.
    public enum Delivery: String, Vocabulary, Hashable, Sendable {
        public static let vocabularyName = "delivery"

        case endpoint
        case inbox
    }

    /// How Trellis proves who it is to the partner. Secrets are never stored here, only where they live.
    public struct Authentication: Codable, Hashable, Sendable {
        public var bearerEnvironment: String?
        public var bearerFile: String?
        public var clientCertificate: String?
        public var clientKey: String?

        public init(bearerEnvironment: String? = nil, bearerFile: String? = nil, clientCertificate: String? = nil, clientKey: String? = nil) {
            self.bearerEnvironment = bearerEnvironment
            self.bearerFile = bearerFile
            self.clientCertificate = clientCertificate
            self.clientKey = clientKey
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case bearerEnvironment = "bearer_env", bearerFile = "bearer_file"
            case clientCertificate = "client_certificate", clientKey = "client_key"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            bearerEnvironment = try c.decodeIfPresent(String.self, forKey: .bearerEnvironment)
            bearerFile = try c.decodeIfPresent(String.self, forKey: .bearerFile)
            clientCertificate = try c.decodeIfPresent(String.self, forKey: .clientCertificate)
            clientKey = try c.decodeIfPresent(String.self, forKey: .clientKey)
            if (clientCertificate == nil) != (clientKey == nil) {
                throw DecodingError.dataCorruptedError(forKey: .clientKey, in: c,
                    debugDescription: "a client certificate and its key go together")
            }
        }
    }

    public var id: String
    /// The directory organizations this partner answers for.
    public var organizations: [String]
    public var delivery: Delivery
    /// Where referrals are pushed; nil for an inbox partner.
    public var endpoint: URL?
    /// Where notices go ("a referral is waiting"), never with a person's data.
    public var notifyEmail: String?
    public var format: PayloadFormat
    public var auth: Authentication
    /// Standard Webhooks secrets (`whsec_…`); several at once while one is rotated out.
    public var signingSecrets: [String]
    public var caBundle: String?
    public var responseDeadlineBusinessDays: Int
    public var statusMode: StatusMode

    public init(id: String, organizations: [String], endpoint: URL?, format: PayloadFormat = .fhirR4,
                auth: Authentication = Authentication(), signingSecrets: [String] = [], caBundle: String? = nil,
                responseDeadlineBusinessDays: Int = 2, statusMode: StatusMode = .callback, delivery: Delivery? = nil, notifyEmail: String? = nil) {
        self.id = id
        self.organizations = organizations
        self.delivery = delivery ?? (endpoint == nil ? .inbox : .endpoint)
        self.endpoint = endpoint
        self.notifyEmail = notifyEmail
        self.format = format
        self.auth = auth
        self.signingSecrets = signingSecrets
        self.caBundle = caBundle
        self.responseDeadlineBusinessDays = responseDeadlineBusinessDays
        self.statusMode = statusMode
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, organizations, delivery, endpoint, format, auth
        case notifyEmail = "notify_email"
        case signingSecrets = "signing_secrets", caBundle = "ca_bundle"
        case responseDeadlineBusinessDays = "response_deadline_business_days", statusMode = "status_mode"
    }

    /// Only https, except plain http to a loopback host for development and tests.
    public static func endpointProblem(_ url: URL) -> String? {
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(), !host.isEmpty else {
            return "the endpoint must be an absolute URL"
        }
        switch scheme {
        case "https": return nil
        case "http":
            return ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) ? nil
                : "the endpoint must use https (plain http only to 127.0.0.1 for development)"
        default: return "the endpoint must use https, not \(scheme)"
        }
    }

    /// One address, plainly: local part, "@", a dotted domain; no spaces, commas or angle brackets (a
    /// notice's envelope must name exactly one mailbox).
    public static func isMailAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard text.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else {
            return false
        }
        return text.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 32 && !"<>(),;:\\\"[]".unicodeScalars.contains($0) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(organizations, forKey: .organizations)
        try c.encode(delivery, forKey: .delivery)
        try c.encodeIfPresent(endpoint?.absoluteString, forKey: .endpoint)
        try c.encodeIfPresent(notifyEmail, forKey: .notifyEmail)
        try c.encode(format, forKey: .format)
        try c.encode(auth, forKey: .auth)
        try c.encode(signingSecrets, forKey: .signingSecrets)
        try c.encode(caBundle, forKey: .caBundle)
        try c.encode(responseDeadlineBusinessDays, forKey: .responseDeadlineBusinessDays)
        try c.encode(statusMode, forKey: .statusMode)
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        guard id.nonBlank != nil else {
            throw DecodingError.dataCorruptedError(forKey: .id, in: c, debugDescription: "the partner id is required")
        }
        organizations = try c.decode([String].self, forKey: .organizations)
        guard !organizations.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .organizations, in: c, debugDescription: "name at least one organization")
        }
        delivery = try c.decodeIfPresent(Delivery.self, forKey: .delivery) ?? .endpoint
        if let text = try c.decodeIfPresent(String.self, forKey: .endpoint) {
            guard let url = URL(string: text) else {
                throw DecodingError.dataCorruptedError(forKey: .endpoint, in: c, debugDescription: "not a URL: \(text)")
            }
            if let problem = Self.endpointProblem(url) {
                throw DecodingError.dataCorruptedError(forKey: .endpoint, in: c, debugDescription: problem)
            }
            endpoint = url
        } else {
            endpoint = nil
        }
        switch (delivery, endpoint) {
        case (.endpoint, nil):
            throw DecodingError.dataCorruptedError(forKey: .endpoint, in: c,
                debugDescription: "the endpoint is required (or set \"delivery\": \"inbox\" for an agency that answers in Trellis's pages)")
        case (.inbox, .some):
            throw DecodingError.dataCorruptedError(forKey: .endpoint, in: c, debugDescription: "an inbox partner has no endpoint: remove it, or set \"delivery\": \"endpoint\"")
        default: break
        }
        notifyEmail = try c.decodeIfPresent(String.self, forKey: .notifyEmail)
        if let address = notifyEmail, !Self.isMailAddress(address) {
            throw DecodingError.dataCorruptedError(forKey: .notifyEmail, in: c, debugDescription: "not an e-mail address: \(address.prefix(80))")
        }
        format = try c.decodeIfPresent(PayloadFormat.self, forKey: .format) ?? .fhirR4
        auth = try c.decodeIfPresent(Authentication.self, forKey: .auth) ?? Authentication()
        signingSecrets = try c.decodeIfPresent([String].self, forKey: .signingSecrets) ?? []
        caBundle = try c.decodeIfPresent(String.self, forKey: .caBundle)
        responseDeadlineBusinessDays = try c.decodeIfPresent(Int.self, forKey: .responseDeadlineBusinessDays) ?? 2
        guard (0...60).contains(responseDeadlineBusinessDays) else {
            throw DecodingError.dataCorruptedError(forKey: .responseDeadlineBusinessDays, in: c,
                debugDescription: "expected 0 to 60 business days")
        }
        statusMode = try c.decodeIfPresent(StatusMode.self, forKey: .statusMode) ?? .callback
    }
}
